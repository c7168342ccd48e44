using System;
using System.IO;

namespace UberspaceFlask.Core.Host
{
    /// <summary>
    /// A write-only stream over another that runs a check before every piece of at most 64 KiB it passes on, so a long
    /// upload notices Ctrl+C, a timeout or a command that ended without waiting for the whole payload.
    /// </summary>
    public sealed class GuardedStream : Stream
    {
        const int Piece = 64 * 1024;
        readonly Stream _inner;
        readonly Action _check;

        public GuardedStream(Stream inner, Action check)
        {
            _inner = inner ?? throw new ArgumentNullException(nameof(inner));
            _check = check ?? (() => { });
        }

        /// <summary>Bytes passed on so far.</summary>
        public long Written { get; private set; }

        public override void Write(byte[] buffer, int offset, int count)
        {
            while (count > 0)
            {
                _check();
                int n = Math.Min(Piece, count);
                _inner.Write(buffer, offset, n);
                offset += n; count -= n; Written += n;
            }
        }

        public override void Flush() => _inner.Flush();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Written; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
