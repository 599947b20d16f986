Parley
Copyright 2026 The Parley developers

This product is licensed under the Apache License, Version 2.0 (see LICENSE).

Parley's binary distributions (the release archives, the Debian package and the container
image) bundle the third-party components below, unmodified, in lib/. Each is under the licence
named before it; the licence texts and the components' own notices are inside each jar, under
META-INF/. The linux-x64 archive, the Debian package and the image also bundle a Java runtime
linked from OpenJDK (GPL-2.0 with the Classpath Exception); its licences are in runtime/legal/.

The web client (in parley-web's jar, and served to browsers) includes Noto Color Emoji as COLRv1
web fonts (SIL Open Font License 1.1; Copyright 2021 Google Inc.), from the npm package
@infolektuell/noto-color-emoji 0.2.0; the licence is beside the fonts, in fonts/OFL.txt.

This file is written by the build (dist/src/license/NOTICE.ftl and license-maven-plugin);
dist's NoticeTest fails when it differs from what the build writes.

<#list dependencyMap as e>
<#assign project = e.getKey()/>
<#assign licenses = e.getValue()/>
<#if project.groupId != "dev.parley">
  (<#list licenses as l>${l}<#sep> or </#sep></#list>) ${project.name} (${project.groupId}:${project.artifactId}:${project.version})
</#if>
</#list>
