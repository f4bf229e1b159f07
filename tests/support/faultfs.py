#!/usr/bin/env python3
"""A FUSE passthrough filesystem that fails where a test says.

Mounts SOURCE_DIR at MOUNTPOINT (foreground) and passes every call through,
except:
  --eio OFFSET:LEN   reads and writes touching [OFFSET, OFFSET+LEN) of any
                     file fail with EIO (repeatable);
  --no-fallocate     fallocate fails with EOPNOTSUPP, as on many FUSE
                     filesystems;
  --slow-open SECS   every open takes SECS seconds (a device slow to answer),
                     after making the file `.open-started` in SOURCE_DIR so
                     a test knows an open is under way.
Direct I/O works: the mount uses direct_io, so O_DIRECT opens succeed and
every read and write reaches this process.

Needs the Python `fusepy` package and libfuse2 (Debian: fuse, libfuse2);
.ci/run installs both. Tests start it with tests/common's FaultFs.
"""
import argparse
import errno
import os
import sys
import time

from fuse import FUSE, FuseOSError, Operations


class FaultFs(Operations):
    def __init__(self, root, eio, no_fallocate, slow_open):
        self.root = root
        self.eio = eio
        self.no_fallocate = no_fallocate
        self.slow_open = slow_open

    def _full(self, path):
        return os.path.join(self.root, path.lstrip("/"))

    def _check(self, offset, size):
        for start, length in self.eio:
            if offset < start + length and start < offset + size:
                raise FuseOSError(errno.EIO)

    def getattr(self, path, fh=None):
        st = os.lstat(self._full(path))
        keys = ("st_mode", "st_nlink", "st_uid", "st_gid", "st_size",
                "st_atime", "st_mtime", "st_ctime", "st_blocks")
        return {k: getattr(st, k) for k in keys}

    def readdir(self, path, fh):
        return [".", ".."] + os.listdir(self._full(path))

    def statfs(self, path):
        sv = os.statvfs(self._full(path))
        keys = ("f_bavail", "f_bfree", "f_blocks", "f_bsize", "f_favail",
                "f_ffree", "f_files", "f_flag", "f_frsize", "f_namemax")
        return {k: getattr(sv, k) for k in keys}

    def open(self, path, flags):
        if self.slow_open:
            open(os.path.join(self.root, ".open-started"), "w").close()
            time.sleep(self.slow_open)
        return os.open(self._full(path), flags & ~os.O_DIRECT)

    def create(self, path, mode, fi=None):
        return os.open(self._full(path), os.O_WRONLY | os.O_CREAT, mode)

    def read(self, path, size, offset, fh):
        self._check(offset, size)
        return os.pread(fh, size, offset)

    def write(self, path, data, offset, fh):
        self._check(offset, len(data))
        return os.pwrite(fh, data, offset)

    def truncate(self, path, length, fh=None):
        with open(self._full(path), "r+b") as f:
            f.truncate(length)

    def fallocate(self, path, mode, offset, length, fh):
        if self.no_fallocate:
            raise FuseOSError(errno.EOPNOTSUPP)
        os.posix_fallocate(fh, offset, length)

    def flush(self, path, fh):
        return 0

    def fsync(self, path, datasync, fh):
        if datasync:
            os.fdatasync(fh)
        else:
            os.fsync(fh)
        return 0

    def release(self, path, fh):
        os.close(fh)

    def unlink(self, path):
        os.unlink(self._full(path))

    def chmod(self, path, mode):
        os.chmod(self._full(path), mode)

    def utimens(self, path, times=None):
        os.utime(self._full(path), times)


def span(text):
    start, length = text.split(":")
    return int(start, 0), int(length, 0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source")
    parser.add_argument("mountpoint")
    parser.add_argument("--eio", type=span, action="append", default=[])
    parser.add_argument("--no-fallocate", action="store_true")
    parser.add_argument("--slow-open", type=float, default=0.0)
    args = parser.parse_args()
    FUSE(FaultFs(os.path.abspath(args.source), args.eio, args.no_fallocate, args.slow_open),
         args.mountpoint, foreground=True, direct_io=True, nothreads=True)


if __name__ == "__main__":
    sys.exit(main())
