-- Message actions (docs/storage.md): a text message may answer an earlier entry of its
-- conversation. reply_to is that entry's seq (NULL: none); the reply keeps no copy of the quoted
-- text, which is read from the quoted entry's current row whenever the reply is read.
ALTER TABLE messages ADD COLUMN reply_to INTEGER;
