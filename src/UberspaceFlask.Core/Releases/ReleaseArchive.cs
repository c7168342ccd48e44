using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace UberspaceFlask.Core.Releases
{
    /// <summary>
    /// The bytes of a publish in one stream: a tar archive (GNU format, which every GNU and busybox tar reads) of the
    /// new and changed files, with their executable bit, and of every symbolic link as a link. Names are raw UTF-8;
    /// one longer than 100 bytes goes in a GNU long-name record, so no name is cut and none is converted by a locale.
    /// The length is known before a byte is written: the host reads exactly that many.
    /// </summary>
    public static class ReleaseArchive
    {
        const int Block = 512;
        static readonly UTF8Encoding Utf8 = new UTF8Encoding(false);

        public static long Length(IEnumerable<ProjectFile> entries) =>
            entries.Sum(e => HeaderLength(e) + Padded(e.IsLink ? 0 : e.Size)) + 2 * Block;

        static long HeaderLength(ProjectFile e) =>
            Block + LongRecordLength(Utf8.GetByteCount(e.RelativePath)) + (e.IsLink ? LongRecordLength(Utf8.GetByteCount(e.LinkTarget)) : 0);

        static long LongRecordLength(int nameBytes) => nameBytes <= 100 ? 0 : Block + Padded(nameBytes + 1);

        static long Padded(long n) => (n + Block - 1) / Block * Block;

        /// <summary>
        /// Writes the archive. Each file is read as it is sent and must still be what was hashed: otherwise
        /// ProjectChanged, and the stream stops short, which the host's tar refuses. progress gets the bytes written so far.
        /// </summary>
        public static void Write(Stream output, IEnumerable<ProjectFile> entries, Action<long> progress = null)
        {
            long written = 0;
            var buffer = new byte[64 * 1024];
            long mtimeNow = (long)(DateTime.UtcNow - new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalSeconds;
            foreach (var e in entries)
            {
                byte[] name = Utf8.GetBytes(e.RelativePath);
                if (name.Length > 100) WriteLongRecord(output, 'L', name, ref written);
                if (e.IsLink)
                {
                    byte[] target = Utf8.GetBytes(e.LinkTarget);
                    if (target.Length > 100) WriteLongRecord(output, 'K', target, ref written);
                    WriteBlock(output, Header(name, 0x1ff /* 0777, as links are */, 0, mtimeNow, '2', target), ref written);
                    continue;
                }
                long mtime = MTime(e.FullPath, mtimeNow);
                WriteBlock(output, Header(name, e.Executable ? 0x1ed /* 0755 */ : 0x1a4 /* 0644 */, e.Size, mtime, '0', null), ref written);
                long left = e.Size;
                using (var sha = SHA256.Create())
                using (var file = new FileStream(e.FullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan))
                {
                    int n;
                    while (left > 0 && (n = file.Read(buffer, 0, (int)Math.Min(buffer.Length, left))) > 0)
                    {
                        sha.TransformBlock(buffer, 0, n, null, 0);
                        output.Write(buffer, 0, n);
                        left -= n; written += n;
                        progress?.Invoke(written);
                    }
                    sha.TransformFinalBlock(buffer, 0, 0);
                    string hash = BitConverter.ToString(sha.Hash).Replace("-", "").ToLowerInvariant();
                    if (left != 0 || file.ReadByte() != -1 || hash != e.Sha256)
                        throw new UberspaceException("ProjectChanged", FailureKind.InvalidOperation,
                            $"{e.RelativePath} changed while it was being published; nothing went live. Run again.", e.FullPath);
                }
                int pad = (int)(Padded(e.Size) - e.Size);
                if (pad > 0) { output.Write(new byte[pad], 0, pad); written += pad; }
            }
            output.Write(new byte[2 * Block], 0, 2 * Block);
            written += 2 * Block;
            progress?.Invoke(written);
        }

        static long MTime(string path, long fallback)
        {
            try { return (long)(File.GetLastWriteTimeUtc(path) - new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalSeconds; }
            catch (IOException) { return fallback; }
        }

        static void WriteLongRecord(Stream output, char type, byte[] name, ref long written)
        {
            WriteBlock(output, Header(Utf8.GetBytes("././@LongLink"), 0x1a4, name.Length + 1, 0, type, null), ref written);
            var data = new byte[Padded(name.Length + 1)];
            Array.Copy(name, data, name.Length);
            output.Write(data, 0, data.Length);
            written += data.Length;
        }

        static void WriteBlock(Stream output, byte[] block, ref long written)
        {
            output.Write(block, 0, block.Length);
            written += block.Length;
        }

        /// <summary>One 512-byte header; a name or target over 100 bytes has come before in its long record (only its start is here).</summary>
        static byte[] Header(byte[] name, int mode, long size, long mtime, char type, byte[] linkTarget)
        {
            var h = new byte[Block];
            Array.Copy(name, h, Math.Min(100, name.Length));
            Octal(h, 100, 8, mode);
            Octal(h, 108, 8, 0);
            Octal(h, 116, 8, 0);
            if (size < 8589934592L) Octal(h, 124, 12, size);
            else
            {
                // GNU's base-256 form for sizes of 8 GiB and more.
                h[124] = 0x80;
                for (int i = 0; i < 8; i++) h[135 - i] = (byte)(size >> (8 * i));
            }
            Octal(h, 136, 12, Math.Max(0, mtime));
            h[156] = (byte)type;
            if (linkTarget != null) Array.Copy(linkTarget, 0, h, 157, Math.Min(100, linkTarget.Length));
            Encoding.ASCII.GetBytes("ustar  \0").CopyTo(h, 257);
            for (int i = 148; i < 156; i++) h[i] = (byte)' ';
            int sum = 0;
            foreach (byte b in h) sum += b;
            Octal(h, 148, 7, sum);
            h[155] = (byte)' ';
            return h;
        }

        static void Octal(byte[] h, int offset, int width, long value)
        {
            string digits = Convert.ToString(value, 8).PadLeft(width - 1, '0');
            Encoding.ASCII.GetBytes(digits).CopyTo(h, offset);
            h[offset + width - 1] = 0;
        }
    }
}
