using System.Buffers.Binary;

namespace PamMySqlNet.Helper;

/// <summary>
/// The frames spoken between the C shim and a process that runs the core for it: the fork
/// helper or the resident daemon (native/frames.c is the other end). One request per connection.
/// A frame is: one type byte, a little-endian uint32 payload length, the payload. Integers are
/// little-endian int32; a string or byte field is an int32 length (-1 for NULL) and its bytes.
/// <list type="bullet">
/// <item>shim → core: 'Q' request (abi, operation, flags, argc, argv…, user, service, rhost,
///   caller uid, caller pid, the account memo kept on the PAM handle or NULL); 'T' reply to 'A'
///   or 'S' (PAM code, bytes or NULL).</item>
/// <item>core → shim: 'L' log line (priority, text); 'A' password request (item, mode, prompt);
///   'S' store a password item (item, password); 'D' pam_fail_delay (microseconds, no reply);
///   'M' keep the account memo with the PAM handle (bytes, no reply); 'H' heartbeat (empty, no reply: the daemon
///   is still working); 'V' the request's ABI version is not ours (our version; nothing follows);
///   'R' result (PAM code).</item>
/// <item>The daemon's socket also takes, from root, one 'I' frame instead of 'Q': `pam-mysql-net
///   daemon --status` (<see cref="StatusFrames"/>), answered with one 'I' frame.</item>
/// </list>
/// </summary>
public static class HelperProtocol
{
    public const byte Request = (byte)'Q';
    public const byte TokenReply = (byte)'T';
    public const byte Log = (byte)'L';
    public const byte AskToken = (byte)'A';
    public const byte SetToken = (byte)'S';
    public const byte FailDelay = (byte)'D';
    public const byte Result = (byte)'R';
    public const byte Remember = (byte)'M';
    public const byte Heartbeat = (byte)'H';
    public const byte VersionMismatch = (byte)'V';

    /// <summary>No frame the shim sends is anywhere near this; larger means a broken peer.</summary>
    public const int MaxPayload = 1 << 20;

    public static (byte Type, byte[] Payload)? ReadFrame(Stream s)
    {
        Span<byte> head = stackalloc byte[5];
        if (!ReadExactly(s, head))
            return null;
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(head[1..]);
        if (length > MaxPayload)
            throw new InvalidDataException("frame too large");
        var payload = new byte[length];
        if (!ReadExactly(s, payload))
            throw new InvalidDataException("truncated frame");
        return (head[0], payload);
    }

    public static void WriteFrame(Stream s, byte type, ReadOnlySpan<byte> payload)
    {
        Span<byte> head = stackalloc byte[5];
        head[0] = type;
        BinaryPrimitives.WriteUInt32LittleEndian(head[1..], (uint)payload.Length);
        s.Write(head);
        s.Write(payload);
        s.Flush();
    }

    private static bool ReadExactly(Stream s, Span<byte> buffer)
    {
        int got = 0;
        while (got < buffer.Length)
        {
            int n = s.Read(buffer[got..]);
            if (n == 0)
                return got == 0 && buffer.Length > 0 ? false : throw new InvalidDataException("truncated frame");
            got += n;
        }
        return true;
    }
}

/// <summary>Reads the fields of a payload in order.</summary>
public ref struct PayloadReader(ReadOnlySpan<byte> data)
{
    private ReadOnlySpan<byte> _rest = data;

    public int ReadInt()
    {
        if (_rest.Length < 4)
            throw new InvalidDataException("short payload");
        int v = BinaryPrimitives.ReadInt32LittleEndian(_rest);
        _rest = _rest[4..];
        return v;
    }

    public byte[]? ReadBytes()
    {
        int n = ReadInt();
        if (n == -1)
            return null;
        if (n < 0 || n > _rest.Length)
            throw new InvalidDataException("bad string length");
        byte[] v = _rest[..n].ToArray();
        _rest = _rest[n..];
        return v;
    }

    public string? ReadString() => ReadBytes() is { } b ? System.Text.Encoding.UTF8.GetString(b) : null;
}

/// <summary>Builds a payload field by field. When the buffer grows, the old one is wiped: a
/// payload may hold a password.</summary>
public sealed class PayloadWriter
{
    private byte[] _buffer = new byte[64];
    private int _length;

    public PayloadWriter Int(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(Reserve(4), value);
        return this;
    }

    public PayloadWriter String(string? value) =>
        value is null ? Int(-1) : Bytes(System.Text.Encoding.UTF8.GetBytes(value));

    public PayloadWriter Bytes(ReadOnlySpan<byte> value)
    {
        Int(value.Length);
        value.CopyTo(Reserve(value.Length));
        return this;
    }

    /// <summary>Wipes the buffer (it may hold a password).</summary>
    public void Clear() => System.Security.Cryptography.CryptographicOperations.ZeroMemory(_buffer);

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, _length);

    private Span<byte> Reserve(int count)
    {
        if (count > _buffer.Length - _length)
        {
            var bigger = new byte[Math.Max(_buffer.Length * 2, _length + count)];
            _buffer.AsSpan(0, _length).CopyTo(bigger);
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(_buffer);
            _buffer = bigger;
        }
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
