using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace EtcdNet.Storage;

/// <summary>
/// Reads the records of one segment in order, checking each frame and the running CRC, and decides what a bad
/// frame means: in the tail segment a write cut short by a crash ends the log there (<see cref="Torn"/>);
/// anywhere else, or when the damage is followed by written data, it is a <see cref="WalCorruptException"/>.
/// </summary>
/// <remarks>
/// The torn-write rule. A frame of the tail segment that fails to decode is a write cut short by a crash, and
/// ends the log there, when the written bytes stop inside it: past the frame's start, everything to the end of
/// the file is zero (preallocated space the write never reached) or missing, and what was written is a prefix
/// of a well-formed record —
/// <list type="number">
/// <item>nothing after its length field was written (a cut inside the length field or just after it); or</item>
/// <item>its length field is well-formed, its header agrees with that length, and its last record byte is zero
///   or beyond the end of the file. A complete record never ends in zero (the type byte is last, see
///   <see cref="WalRecordCodec"/>), so a complete last record with a damaged byte is not taken for a cut; or</item>
/// <item>its length field is well-formed, its header agrees, and a whole 512-byte sector inside it is zero: the
///   sectors of one write reached the disk out of order (etcd's rule, narrowed to whole sectors so a single
///   damaged byte never qualifies).</item>
/// </list>
/// The header check is what keeps a damaged length field in the middle of the tail (which can make a frame
/// reach into the zeroed preallocated space) from passing for a torn write. Everything else is corruption:
/// the WAL is refused with the file and offset, never silently shortened.
/// </remarks>
internal sealed class WalDecoder : IDisposable
{
    private const int SectorSize = 512;
    private const int WindowSize = 1 << 20;

    private readonly string _path;
    private readonly SafeFileHandle _handle;
    private readonly bool _isTail;
    private readonly long _maxRecordSize;
    private readonly long _fileLength;

    // A read-ahead window over the file: records are decoded straight out of it.
    private byte[] _window;
    private long _windowStart;
    private int _windowLength;

    public WalDecoder(string path, SafeFileHandle handle, bool isTail, uint crc, long maxRecordSize)
    {
        _path = path;
        _handle = handle;
        _isTail = isTail;
        _maxRecordSize = maxRecordSize;
        _fileLength = RandomAccess.GetLength(handle);
        _window = ArrayPool<byte>.Shared.Rent(WindowSize);
        Crc = crc;
    }

    /// <summary>The running CRC after the last good record.</summary>
    public uint Crc { get; private set; }

    /// <summary>The offset of the frame <see cref="Next"/> returned last.</summary>
    public long RecordOffset { get; private set; }

    /// <summary>The offset just past the last good record: where the next record belongs.</summary>
    public long Offset { get; private set; }

    /// <summary>True when decoding stopped at a torn write.</summary>
    public bool Torn { get; private set; }

    /// <summary>True when the log ended cleanly but written bytes follow the end (possible only in the tail).</summary>
    public bool HasGarbageAfterEnd => _isTail && !AllZero(Offset, _fileLength);

    /// <summary>
    /// Decodes the next record; false at the end of the segment's records (clean or torn). The data span is valid
    /// until the next call. Throws <see cref="WalCorruptException"/> on damage that is not a torn write.
    /// </summary>
    public bool Next(out WalRecordType type, out ReadOnlySpan<byte> data)
    {
        type = 0;
        data = default;
        long off = Offset;
        if (off == _fileLength)
        {
            return false;
        }

        if (_fileLength - off < WalFrame.LengthFieldSize)
        {
            return Fail(off, "truncated length field");
        }

        ulong field = BinaryPrimitives.ReadUInt64LittleEndian(Fetch(off, WalFrame.LengthFieldSize));
        if (field == 0)
        {
            // Preallocated space: the records of this segment end here.
            return false;
        }

        long body = off + WalFrame.LengthFieldSize;
        if (!WalFrame.TryReadLengthField(field, out long recordBytes, out int padBytes) || recordBytes > _maxRecordSize)
        {
            // A length cut short reads as a shorter, often malformed one; then nothing after it was written.
            return Fail(off, $"bad length field 0x{field:x16}");
        }

        long frameEnd = body + recordBytes + padBytes;
        if (frameEnd > _fileLength)
        {
            return Fail(off, "record runs past the end of the file");
        }

        ReadOnlySpan<byte> record = Fetch(body, (int)recordBytes);
        string? problem = null;
        if (!WalRecordCodec.TryParse(record, out type, out uint recordCrc, out data))
        {
            problem = "malformed record";
        }
        else if (type == WalRecordType.Crc)
        {
            // The head of a segment carries the running CRC of the segment before; a reader that starts mid-WAL
            // (from a snapshot) has no chain yet and adopts it.
            if (Crc != 0 && recordCrc != Crc)
            {
                problem = $"crc mismatch: segment head says 0x{recordCrc:x8}, previous segments end at 0x{Crc:x8}";
            }
            else
            {
                Crc = recordCrc;
            }
        }
        else
        {
            uint expected = Crc32C.Update(Crc, data);
            if (expected != recordCrc)
            {
                problem = $"crc mismatch: record says 0x{recordCrc:x8}, data gives 0x{expected:x8}";
            }
            else
            {
                Crc = expected;
            }
        }

        if (problem is not null)
        {
            type = 0;
            data = default;
            return Fail(off, problem);
        }

        RecordOffset = off;
        Offset = frameEnd;
        return true;
    }

    private bool Fail(long off, string reason)
    {
        if (IsTornWrite(off))
        {
            Torn = true;
            return false;
        }

        throw new WalCorruptException(_path, off, reason);
    }

    /// <summary>Applies the torn-write rule (see the type's remarks) to the failed frame at <paramref name="off"/>.</summary>
    private bool IsTornWrite(long off)
    {
        if (!_isTail)
        {
            return false;
        }

        long body = off + WalFrame.LengthFieldSize;
        long written = WrittenEnd(off);
        if (written <= body)
        {
            return true;
        }

        ulong field = BinaryPrimitives.ReadUInt64LittleEndian(Fetch(off, WalFrame.LengthFieldSize));
        if (!WalFrame.TryReadLengthField(field, out long recordBytes, out int padBytes) || recordBytes > _maxRecordSize)
        {
            return false;
        }

        long recordEnd = body + recordBytes;
        if (!HeaderFits(body, recordBytes, Math.Min(written, recordEnd)))
        {
            return false;
        }

        if (written < recordEnd || recordEnd + padBytes > _fileLength)
        {
            return true;
        }

        return HasZeroSector(body, recordEnd);
    }

    /// <summary>
    /// Whether the record header in the trusted bytes [body, known) agrees with a record of
    /// <paramref name="recordBytes"/>: the encoder writes the data field (tag, length, bytes) or, for a crc
    /// record, the crc field first, and after the data only the crc field (2..6 bytes) and the type (2 bytes).
    /// A header that is not all there (or all zero: its sector never reached the disk) cannot disagree.
    /// </summary>
    private bool HeaderFits(long body, long recordBytes, long known)
    {
        if (known <= body)
        {
            return true;
        }

        int n = (int)Math.Min(known - body, 11);
        ReadOnlySpan<byte> header = Fetch(body, n);
        const int MinTrailer = 2 + 2, MaxTrailer = 6 + 2;
        switch (header[0])
        {
            case 0:
                return true;
            case (2 << 3) | 0:
                return recordBytes is >= MinTrailer and <= MaxTrailer;
            case (3 << 3) | 2:
                ulong length = 0;
                for (int i = 1, shift = 0; i < n && shift < 64; i++, shift += 7)
                {
                    length |= (ulong)(header[i] & 0x7F) << shift;
                    if (header[i] < 0x80)
                    {
                        long trailer = recordBytes - i - 1 - (long)Math.Min(length, (ulong)recordBytes);
                        return length <= (ulong)recordBytes && trailer is >= MinTrailer and <= MaxTrailer;
                    }
                }

                return true;
            default:
                return false;
        }
    }

    /// <summary>The offset just past the last non-zero byte at or after <paramref name="from"/> (or <paramref name="from"/>).</summary>
    private long WrittenEnd(long from)
    {
        long end = from;
        for (long p = from; p < _fileLength;)
        {
            int n = (int)Math.Min(WindowSize, _fileLength - p);
            int last = Fetch(p, n).LastIndexOfAnyExcept((byte)0);
            if (last >= 0)
            {
                end = p + last + 1;
            }

            p += n;
        }

        return end;
    }

    private ReadOnlySpan<byte> Fetch(long offset, int count)
    {
        if (offset >= _windowStart && offset + count <= _windowStart + _windowLength)
        {
            return _window.AsSpan((int)(offset - _windowStart), count);
        }

        if (count > _window.Length)
        {
            ArrayPool<byte>.Shared.Return(_window);
            _window = ArrayPool<byte>.Shared.Rent(count);
        }

        int wanted = (int)Math.Min(_window.Length, _fileLength - offset);
        int filled = 0;
        while (filled < wanted)
        {
            int n = RandomAccess.Read(_handle, _window.AsSpan(filled, wanted - filled), offset + filled);
            if (n == 0)
            {
                break;
            }

            filled += n;
        }

        _windowStart = offset;
        _windowLength = filled;
        if (filled < count)
        {
            throw new WalCorruptException(_path, offset, "file shrank while it was read");
        }

        return _window.AsSpan(0, count);
    }

    private bool AllZero(long from, long to)
    {
        for (long p = from; p < to;)
        {
            int n = (int)Math.Min(WindowSize, to - p);
            if (Fetch(p, n).ContainsAnyExcept((byte)0))
            {
                return false;
            }

            p += n;
        }

        return true;
    }

    private bool HasZeroSector(long from, long to)
    {
        for (long s = (from + SectorSize - 1) / SectorSize * SectorSize; s + SectorSize <= to; s += SectorSize)
        {
            if (!Fetch(s, SectorSize).ContainsAnyExcept((byte)0))
            {
                return true;
            }
        }

        return false;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_window);
        _window = [];
    }
}
