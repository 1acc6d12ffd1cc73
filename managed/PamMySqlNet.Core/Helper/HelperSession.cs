using System.Security.Cryptography;
using PamMySqlNet.Auth;
using PamMySqlNet.Logging;
using PamMySqlNet.Pam;

namespace PamMySqlNet.Helper;

/// <summary>
/// One request served for the shim by another process (the fork helper, or the daemon for one
/// connection): read the 'Q' frame, run the same <see cref="ModuleEntry"/> the in-process path
/// runs, relay log lines, password and memo requests to the shim, answer with 'R'.
/// Frames may also be written by another thread (<see cref="Heartbeat"/>): every write holds
/// the session's lock.
/// </summary>
public sealed class HelperSession(Stream input, Stream output) : IModuleLog, IPamConversation
{
    private const int AbiVersion = (int)ShimAbi.Version;
    private readonly Lock _writeLock = new();
    private bool _finished;
    /// <summary>Waiting for the shim's reply (it may be prompting a person): no heartbeats then.</summary>
    private volatile bool _awaitingShim;
    /// <summary>The memo the shim found on the PAM handle, sent with the request.</summary>
    private byte[]? _memo;

    /// <summary>Reads the request frame, then <see cref="Serve"/>.</summary>
    public int Run(ModuleEntry.StoreFactory? storeFactory = null)
    {
        byte[] payload;
        try
        {
            var frame = HelperProtocol.ReadFrame(input);
            if (frame is not { Type: HelperProtocol.Request } f)
                return Finish(PamCode.ServiceErr);
            payload = f.Payload;
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            return Finish(PamCode.ServiceErr);
        }
        return Serve(payload, storeFactory);
    }

    /// <summary>Runs the request whose 'Q' payload was already read, and answers it.</summary>
    /// <param name="callerPid">The caller's pid as the kernel reports it (the daemon's
    /// SO_PEERCRED), replacing the request's; null keeps the request's (the fork helper).</param>
    public int Serve(byte[] requestPayload, ModuleEntry.StoreFactory? storeFactory = null, int? callerPid = null)
    {
        PamCode code;
        try
        {
            var (version, request) = ParseRequest(requestPayload, out _memo);
            if (version != AbiVersion)
            {
                Send(HelperProtocol.VersionMismatch, new PayloadWriter().Int(AbiVersion).Span, last: true);
                return (int)PamCode.ServiceErr;
            }
            if (request is not null && callerPid is { } pid)
                request = request with { CallerPid = pid };
            code = request is null ? PamCode.ServiceErr : ModuleEntry.Run(request, this, this, storeFactory);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            code = PamCode.ServiceErr;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(requestPayload);
        }
        return Finish(code);
    }

    /// <summary>Tells the shim the request is still being worked on; false once the session ended.</summary>
    public bool Heartbeat()
    {
        if (_awaitingShim)
            return true;
        try
        {
            return Send(HelperProtocol.Heartbeat, ReadOnlySpan<byte>.Empty);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private int Finish(PamCode code)
    {
        try
        {
            Send(HelperProtocol.Result, new PayloadWriter().Int((int)code).Span, last: true);
        }
        catch (IOException)
        {
        }
        return (int)code;
    }

    /// <returns>False when the session had already ended (nothing is written after 'R' or 'V').</returns>
    private bool Send(byte type, ReadOnlySpan<byte> payload, bool last = false)
    {
        lock (_writeLock)
        {
            if (_finished)
                return false;
            _finished = last;
            HelperProtocol.WriteFrame(output, type, payload);
            return true;
        }
    }

    internal static (int Version, ModuleRequest? Request) ParseRequest(byte[] payload, out byte[]? memo)
    {
        memo = null;
        var r = new PayloadReader(payload);
        int version = r.ReadInt();
        if (version != AbiVersion)
            return (version, null);
        var op = (PamOperation)r.ReadInt();
        var flags = (PamFlags)r.ReadInt();
        int argc = r.ReadInt();
        if (argc is < 0 or > 1024)
            return (version, null);
        var args = new string[argc];
        for (int i = 0; i < argc; i++)
            args[i] = r.ReadString() ?? "";
        string user = r.ReadString() ?? "";
        string? service = r.ReadString();
        string? rhost = r.ReadString();
        int uid = r.ReadInt();
        int pid = r.ReadInt();
        memo = r.ReadBytes();
        if (memo is { Length: > ShimAbi.MemoMax })
            return (version, null);
        return (version, new ModuleRequest(op, flags, args, user, service, rhost, uid, pid));
    }

    public void Write(LogLevel level, string message) =>
        Send(HelperProtocol.Log, new PayloadWriter().Int((int)level).String(LogText.Printable(message)).Span);

    public PamCode GetAuthTok(AuthTokItem item, AuthTokMode mode, string prompt, out byte[]? password)
    {
        Send(HelperProtocol.AskToken, new PayloadWriter().Int((int)item).Int((int)mode).String(prompt).Span);
        return ReadReply(out password);
    }

    public PamCode SetAuthTok(AuthTokItem item, ReadOnlySpan<byte> password)
    {
        var payload = new PayloadWriter().Int((int)item).Bytes(password);
        try
        {
            Send(HelperProtocol.SetToken, payload.Span);
        }
        finally
        {
            payload.Clear();
        }
        return ReadReply(out _);
    }

    public void RequestFailDelay(int microseconds) =>
        Send(HelperProtocol.FailDelay, new PayloadWriter().Int(microseconds).Span);

    public void Remember(ReadOnlySpan<byte> memo)
    {
        if (memo.Length <= ShimAbi.MemoMax)
            Send(HelperProtocol.Remember, new PayloadWriter().Bytes(memo).Span);
    }

    /// <summary>The memo came with the request: no round trip.</summary>
    public int Recall(Span<byte> buffer)
    {
        if (_memo is null || _memo.Length > buffer.Length)
            return -1;
        _memo.CopyTo(buffer);
        return _memo.Length;
    }

    private PamCode ReadReply(out byte[]? password)
    {
        password = null;
        (byte Type, byte[] Payload)? frame;
        _awaitingShim = true;
        try
        {
            frame = HelperProtocol.ReadFrame(input);
        }
        finally
        {
            _awaitingShim = false;
        }
        if (frame is not { Type: HelperProtocol.TokenReply } f)
            return PamCode.ConvErr;
        try
        {
            var r = new PayloadReader(f.Payload);
            var code = (PamCode)r.ReadInt();
            password = r.ReadBytes();
            return code;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(f.Payload);
        }
    }
}
