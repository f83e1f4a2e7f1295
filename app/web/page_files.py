"""page_files.py - what the two page scripts (pack_assets.py, single_file.py) both do
to a file: gzip it and base64 it for a page, and write their output through a
temporary file, so a failed or killed run never leaves a half-written file under
the final name. Imported from the scripts' own folder (python puts it on sys.path).
"""
import base64
import gzip
import os


def gzip_b64(data):
    """data (bytes) gzip'd (level 9, no time stamp: the same bytes every build) and
    base64'd: (the base64 text, the gzip'd size in bytes)."""
    gz = gzip.compress(data, 9, mtime=0)
    return base64.b64encode(gz).decode("ascii"), len(gz)


def write_atomic(path, text):
    """Writes text (UTF-8) to path.tmp and renames it to path; removes path.tmp and
    raises OSError when that fails."""
    tmp = path + ".tmp"
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except OSError:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
