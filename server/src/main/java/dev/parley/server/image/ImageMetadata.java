package dev.parley.server.image;

import dev.parley.core.ChatException;
import dev.parley.core.ChatException.Refusal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Copies an image without what it says about its author: EXIF (with the GPS position and the
 * camera), XMP, IPTC, comments, text chunks and timestamps; and without bytes after its end. The
 * pixels are copied as they are (no re-encoding: no quality lost, no full decode needed). What
 * draws the picture correctly is kept: JFIF, ICC colour profiles, Adobe colour transforms, PNG
 * colour and transparency chunks, animation. A JPEG's EXIF orientation is the one thing carried
 * over, in a fresh EXIF block holding nothing else, so a phone photo is not shown on its side.
 * Input that does not follow its format is refused with UNSUPPORTED_MEDIA.
 */
public final class ImageMetadata {
    private static final Set<String> PNG_KEPT = Set.of("IHDR", "PLTE", "IDAT", "IEND", "tRNS", "cHRM", "gAMA", "iCCP",
            "sBIT", "sRGB", "bKGD", "hIST", "pHYs", "sPLT", "acTL", "fcTL", "fdAT");

    private ImageMetadata() {
    }

    /**
     * Writes {@code in} without its metadata to {@code out}, and answers the EXIF orientation it
     * kept (1 to 8; 0 when the image declares none).
     */
    public static int strip(ImageFormat format, Path in, Path out) throws IOException {
        try {
            if (format == ImageFormat.WEBP) {
                webp(in, out);
                return 0;
            }
            try (DataInputStream src = new DataInputStream(new BufferedInputStream(Files.newInputStream(in), 65_536));
                 OutputStream dst = new BufferedOutputStream(Files.newOutputStream(out), 65_536)) {
                switch (format) {
                    case JPEG -> {
                        return jpeg(src, dst);
                    }
                    case PNG -> png(src, dst);
                    case GIF -> gif(src, dst);
                    default -> throw new IllegalArgumentException(format.name());
                }
                return 0;
            }
        } catch (EOFException | IllegalStateException e) {
            throw unreadable();
        }
    }

    private static ChatException unreadable() {
        return new ChatException(Refusal.UNSUPPORTED_MEDIA, "the image cannot be read");
    }

    // JPEG: segments up to the first scan, then the entropy-coded data with the markers inside it.

    private static int jpeg(DataInputStream in, OutputStream out) throws IOException {
        if (in.readUnsignedShort() != 0xffd8) {
            throw unreadable();
        }
        out.write(0xff);
        out.write(0xd8);
        int marker = nextMarker(in);
        int kept = 0;
        while (true) {
            if (marker == 0xd9) {
                out.write(0xff);
                out.write(0xd9);
                return kept;
            }
            if ((marker >= 0xd0 && marker <= 0xd7) || marker == 0x01) {
                out.write(0xff);
                out.write(marker);
                marker = nextMarker(in);
                continue;
            }
            int length = in.readUnsignedShort();
            if (length < 2) {
                throw unreadable();
            }
            byte[] payload = in.readNBytes(length - 2);
            if (payload.length != length - 2) {
                throw unreadable();
            }
            if (marker == 0xe1) {
                int orientation = Exif.orientation(payload);
                if (orientation > 1 && kept == 0) {
                    out.write(Exif.orientationSegment(orientation));
                }
                if (orientation > 0 && kept == 0) {
                    kept = orientation;
                }
            } else if (keptJpegSegment(marker)) {
                out.write(0xff);
                out.write(marker);
                out.write(length >> 8);
                out.write(length & 0xff);
                out.write(payload);
            }
            marker = marker == 0xda ? copyScan(in, out) : nextMarker(in);
        }
    }

    /** APP0 (JFIF), APP2 (ICC profile) and APP14 (Adobe) among the APPn; COM and the other APPn go. */
    private static boolean keptJpegSegment(int marker) {
        if (marker == 0xfe) {
            return false;
        }
        if (marker >= 0xe0 && marker <= 0xef) {
            return marker == 0xe0 || marker == 0xe2 || marker == 0xee;
        }
        return true;
    }

    private static int nextMarker(DataInputStream in) throws IOException {
        int b = in.readUnsignedByte();
        if (b != 0xff) {
            throw unreadable();
        }
        int m;
        do {
            m = in.readUnsignedByte();
        } while (m == 0xff);
        return m;
    }

    /** Copies entropy-coded data up to the next marker that is not a restart or stuffed byte, and answers it. */
    private static int copyScan(DataInputStream in, OutputStream out) throws IOException {
        while (true) {
            int b = in.readUnsignedByte();
            if (b != 0xff) {
                out.write(b);
                continue;
            }
            int m;
            do {
                m = in.readUnsignedByte();
            } while (m == 0xff);
            if (m == 0x00 || (m >= 0xd0 && m <= 0xd7)) {
                out.write(0xff);
                out.write(m);
                continue;
            }
            return m;
        }
    }

    // PNG: chunks, keeping only those that draw the picture, up to IEND.

    private static void png(DataInputStream in, OutputStream out) throws IOException {
        byte[] signature = in.readNBytes(8);
        if (signature.length != 8) {
            throw unreadable();
        }
        out.write(signature);
        while (true) {
            long length = Integer.toUnsignedLong(in.readInt());
            byte[] type = in.readNBytes(4);
            if (type.length != 4 || length > Integer.MAX_VALUE) {
                throw unreadable();
            }
            String name = new String(type, StandardCharsets.ISO_8859_1);
            boolean keep = PNG_KEPT.contains(name);
            if (keep) {
                writeInt(out, (int) length);
                out.write(type);
            }
            transfer(in, keep ? out : OutputStream.nullOutputStream(), length + 4);
            if (name.equals("IEND")) {
                return;
            }
        }
    }

    // GIF: blocks, dropping comments and application extensions other than looping.

    private static void gif(DataInputStream in, OutputStream out) throws IOException {
        byte[] head = in.readNBytes(13);
        if (head.length != 13) {
            throw unreadable();
        }
        out.write(head);
        int flags = head[10] & 0xff;
        if ((flags & 0x80) != 0) {
            transfer(in, out, 3L << ((flags & 7) + 1));
        }
        while (true) {
            int block = in.readUnsignedByte();
            switch (block) {
                case 0x3b -> {
                    out.write(block);
                    return;
                }
                case 0x2c -> {
                    byte[] descriptor = in.readNBytes(9);
                    if (descriptor.length != 9) {
                        throw unreadable();
                    }
                    out.write(block);
                    out.write(descriptor);
                    int local = descriptor[8] & 0xff;
                    if ((local & 0x80) != 0) {
                        transfer(in, out, 3L << ((local & 7) + 1));
                    }
                    out.write(in.readUnsignedByte());
                    subBlocks(in, out);
                }
                case 0x21 -> {
                    int label = in.readUnsignedByte();
                    if (label == 0xff) {
                        int size = in.readUnsignedByte();
                        byte[] id = in.readNBytes(size);
                        String app = new String(id, StandardCharsets.ISO_8859_1);
                        boolean keep = app.equals("NETSCAPE2.0") || app.equals("ANIMEXTS1.0");
                        OutputStream to = keep ? out : OutputStream.nullOutputStream();
                        to.write(block);
                        to.write(label);
                        to.write(size);
                        to.write(id);
                        subBlocks(in, to);
                    } else {
                        OutputStream to = label == 0xfe ? OutputStream.nullOutputStream() : out;
                        to.write(block);
                        to.write(label);
                        subBlocks(in, to);
                    }
                }
                default -> throw unreadable();
            }
        }
    }

    private static void subBlocks(DataInputStream in, OutputStream out) throws IOException {
        while (true) {
            int size = in.readUnsignedByte();
            out.write(size);
            if (size == 0) {
                return;
            }
            transfer(in, out, size);
        }
    }

    // WebP: RIFF chunks without EXIF and XMP, the RIFF size and the VP8X flags set to match.

    private static void webp(Path in, Path out) throws IOException {
        try (RandomAccessFile src = new RandomAccessFile(in.toFile(), "r")) {
            long end = Math.min(src.length(), 8 + Integer.toUnsignedLong(Integer.reverseBytes(readIntAt(src, 4))));
            List<long[]> kept = new ArrayList<>();
            long keptBytes = 4;
            long pos = 12;
            while (pos + 8 <= end) {
                src.seek(pos);
                byte[] fourcc = new byte[4];
                src.readFully(fourcc);
                long size = Integer.toUnsignedLong(Integer.reverseBytes(src.readInt()));
                long total = 8 + size + (size & 1);
                if (pos + 8 + size > end) {
                    throw unreadable();
                }
                String name = new String(fourcc, StandardCharsets.ISO_8859_1);
                if (!name.equals("EXIF") && !name.equals("XMP ")) {
                    kept.add(new long[]{pos, Math.min(total, end - pos)});
                    keptBytes += Math.min(total, end - pos);
                }
                pos += total;
            }
            try (OutputStream dst = new BufferedOutputStream(Files.newOutputStream(out), 65_536)) {
                dst.write(new byte[]{'R', 'I', 'F', 'F'});
                writeIntLittle(dst, (int) keptBytes);
                dst.write(new byte[]{'W', 'E', 'B', 'P'});
                for (long[] chunk : kept) {
                    src.seek(chunk[0]);
                    byte[] header = new byte[8];
                    src.readFully(header);
                    dst.write(header);
                    long rest = chunk[1] - 8;
                    if (header[0] == 'V' && header[1] == 'P' && header[2] == '8' && header[3] == 'X' && rest > 0) {
                        dst.write(src.readUnsignedByte() & ~0x0c);
                        rest--;
                    }
                    byte[] buf = new byte[65_536];
                    while (rest > 0) {
                        int n = src.read(buf, 0, (int) Math.min(buf.length, rest));
                        if (n < 0) {
                            throw unreadable();
                        }
                        dst.write(buf, 0, n);
                        rest -= n;
                    }
                }
            }
        }
    }

    private static int readIntAt(RandomAccessFile f, long pos) throws IOException {
        f.seek(pos);
        return f.readInt();
    }

    private static void transfer(InputStream in, OutputStream out, long n) throws IOException {
        byte[] buf = new byte[(int) Math.min(65_536, Math.max(1, n))];
        long left = n;
        while (left > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (r < 0) {
                throw new EOFException();
            }
            out.write(buf, 0, r);
            left -= r;
        }
    }

    private static void writeInt(OutputStream out, int v) throws IOException {
        out.write(v >>> 24);
        out.write((v >>> 16) & 0xff);
        out.write((v >>> 8) & 0xff);
        out.write(v & 0xff);
    }

    private static void writeIntLittle(OutputStream out, int v) throws IOException {
        writeInt(out, Integer.reverseBytes(v));
    }
}
