using PamMySqlNet.Auth;

namespace PamMySqlNet.Helper;

/// <summary>
/// `pam-mysql-net daemon --status` on the daemon's socket, from root only (the daemon closes any
/// other peer before reading a byte, by SO_PEERCRED): the request is an 'I' frame holding the
/// most keys wanted (int32, 1 to <see cref="MaxKeys"/>); the answer an 'I' frame: keys tracked,
/// keys throttled, n, then n × (key, failures, step, back-off ms, release ms, refused). Keys are
/// cut to <see cref="MaxKeyChars"/> characters; the answer stays far below the frame bound.
/// </summary>
public static class StatusFrames
{
    public const byte Type = (byte)'I';
    public const int MaxKeys = 1000;
    public const int MaxKeyChars = 200;
    public const int RequestLength = 4;

    public static byte[] Request(int maxKeys) => new PayloadWriter().Int(Math.Clamp(maxKeys, 1, MaxKeys)).Span.ToArray();

    /// <summary>The keys wanted, or null when the payload is not a status request.</summary>
    public static int? ReadRequest(ReadOnlySpan<byte> payload)
    {
        if (payload.Length != RequestLength)
            return null;
        int max = new PayloadReader(payload).ReadInt();
        return max is >= 1 and <= MaxKeys ? max : null;
    }

    public static byte[] Answer(ThrottleSnapshot snapshot)
    {
        var w = new PayloadWriter().Int(snapshot.Tracked).Int(snapshot.Throttled);
        int n = Math.Min(snapshot.Keys.Count, MaxKeys);
        w.Int(n);
        foreach (var k in snapshot.Keys.Take(n))
        {
            string key = k.Key.Length > MaxKeyChars ? k.Key[..MaxKeyChars] : k.Key;
            w.String(key).Int(k.Failures).Int(k.Step).Int(Ms(k.BackoffMs)).Int(Ms(k.ReleaseMs)).Int(k.Refused);
        }
        return w.Span.ToArray();
    }

    /// <exception cref="InvalidDataException">Not a well-formed answer.</exception>
    public static ThrottleSnapshot ReadAnswer(ReadOnlySpan<byte> payload)
    {
        var r = new PayloadReader(payload);
        int tracked = r.ReadInt(), throttled = r.ReadInt(), n = r.ReadInt();
        if (tracked < 0 || throttled < 0 || n < 0 || n > MaxKeys)
            throw new InvalidDataException("bad status counts");
        var keys = new List<ThrottledKey>(n);
        for (int i = 0; i < n; i++)
        {
            string key = r.ReadString() ?? throw new InvalidDataException("a key is missing");
            keys.Add(new ThrottledKey(key, r.ReadInt(), r.ReadInt(), r.ReadInt(), r.ReadInt(), r.ReadInt()));
        }
        return new ThrottleSnapshot(tracked, throttled, keys);
    }

    private static int Ms(long ms) => (int)Math.Clamp(ms, 0, int.MaxValue);
}
