#!/usr/bin/env bash
# Package dist/huashu (built by packaging/build_linux.sh) as dist/huashu_<version>_<arch>.deb for
# Debian/Ubuntu/UOS/Kylin machines managed with apt: /opt/huashu, /usr/bin/huashu, desktop entry,
# icons and the application/x-huashu-pack MIME type (dpkg triggers refresh the caches).
# A packaging/huashu.preload.json is installed as /opt/huashu/huashu.preload.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PYTHON:-.venv/bin/python}
APP=dist/huashu
[ -x "$APP/huashu" ] || { echo "make_deb.sh: $APP/huashu not found (run packaging/build_linux.sh)" >&2; exit 1; }
[ -d build/icons/hicolor ] || { echo "make_deb.sh: build/icons missing (run packaging/build_linux.sh)" >&2; exit 1; }

version=$("$PY" -c 'import sys; sys.path.insert(0, "desktop"); import huashu; print(huashu.__version__)')
arch=$(dpkg --print-architecture)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
pkg=$root/pkg

mkdir -p "$pkg/DEBIAN" "$pkg/opt" "$pkg/usr/bin" "$pkg/usr/share/applications" "$pkg/usr/share/mime/packages" \
  "$pkg/usr/share/icons" "$pkg/usr/share/doc/huashu"
cp -a "$APP" "$pkg/opt/huashu"
[ -f packaging/huashu.preload.json ] && cp packaging/huashu.preload.json "$pkg/opt/huashu/huashu.preload.json"
ln -s /opt/huashu/huashu "$pkg/usr/bin/huashu"
sed 's|^Exec=.*|Exec=/opt/huashu/huashu %f|' packaging/linux/huashu.desktop >"$pkg/usr/share/applications/huashu.desktop"
cp packaging/linux/huashu-mime.xml "$pkg/usr/share/mime/packages/huashu.xml"
cp -a build/icons/hicolor "$pkg/usr/share/icons/hicolor"
gzip -9n <docs/INSTALL.md >"$pkg/usr/share/doc/huashu/INSTALL.md.gz"
find "$pkg" -type d -exec chmod 755 {} +

size_kb=$(du -sk "$pkg" --exclude=DEBIAN | cut -f1)
cat >"$pkg/DEBIAN/control" <<EOF
Package: huashu
Version: $version
Architecture: $arch
Maintainer: ${DEB_MAINTAINER:-Huashu <huashu@localhost>}
Installed-Size: $size_kb
Depends: libc6 (>= 2.28), libgl1, libegl1, libfontconfig1, libxkbcommon-x11-0, libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1, libxcb-image0, libxcb-render-util0, libxcb-randr0, libxcb-shape0, libxcb-xkb1, libdbus-1-3
Recommends: fonts-noto-cjk | fonts-wqy-microhei, xclip
Section: utils
Priority: optional
Description: 话术助手 Huashu - reply templates for customer-service agents
 Search a categorised library of approved customer-service phrases, fill
 placeholders such as [订单号] and copy the reply; warns about forbidden
 phrases while typing. Works fully offline.
EOF
out=dist/huashu_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$out" >/dev/null
echo "$out ($(du -m "$out" | cut -f1) MB)"
