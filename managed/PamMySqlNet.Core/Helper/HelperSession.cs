using System.Security.Cryptography;
using PamMySqlNet.Auth;
using PamMySqlNet.Logging;
using PamMySqlNet.Pam;

namespace PamMySqlNet.Helper;

/// <summary>
/// One request served in the helper process: read the 'Q' frame, run the same
/// <see cref="ModuleEntry"/> the in-process path runs, relay log lines and password requests
/// to the shim, answer with 'R'.
/// </summary>
public sealed class HelperSession(Stream input, Stream output) : IModuleLog, IPamConversation
{
    private const int AbiVersion = (int)ShimAbi.Version;

    public int Run(ModuleEntry.StoreFactory? storeFactory = null)
    {
        PamCode code;
        try
        {
            var frame = HelperProtocol.ReadFrame(input);
            if (frame is not { Type: HelperProtocol.Request } f)
                return Finish(PamCode.ServiceErr);
            var request = ParseRequest(f.Payload);
            code = request is null ? PamCode.ServiceErr : ModuleEntry.Run(request, this, this, storeFactory);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            code = PamCode.ServiceErr;
        }
        return Finish(code);
    }

    private int Finish(PamCode code)
    {
        try
        {
            HelperProtocol.WriteFrame(output, HelperProtocol.Result, new PayloadWriter().Int((int)code).Span);
        }
        catch (IOException)
        {
        }
        return (int)code;
    }

    private static ModuleRequest? ParseRequest(byte[] payload)
    {
        var r = new PayloadReader(payload);
        if (r.ReadInt() != AbiVersion)
            return null;
        var op = (PamOperation)r.ReadInt();
        var flags = (PamFlags)r.ReadInt();
        int argc = r.ReadInt();
        if (argc is < 0 or > 1024)
            return null;
        var args = new string[argc];
        for (int i = 0; i < argc; i++)
            args[i] = r.ReadString() ?? "";
        string user = r.ReadString() ?? "";
        string? service = r.ReadString();
        string? rhost = r.ReadString();
        int uid = r.ReadInt();
        int pid = r.ReadInt();
        return new ModuleRequest(op, flags, args, user, service, rhost, uid, pid);
    }

    public void Write(LogLevel level, string message) =>
        HelperProtocol.WriteFrame(output, HelperProtocol.Log,
            new PayloadWriter().Int((int)level).String(LogText.Printable(message)).Span);

    public PamCode GetAuthTok(AuthTokItem item, AuthTokMode mode, string prompt, out byte[]? password)
    {
        HelperProtocol.WriteFrame(output, HelperProtocol.AskToken,
            new PayloadWriter().Int((int)item).Int((int)mode).String(prompt).Span);
        return ReadReply(out password);
    }

    public PamCode SetAuthTok(AuthTokItem item, ReadOnlySpan<byte> password)
    {
        var payload = new PayloadWriter().Int((int)item).Bytes(password);
        try
        {
            HelperProtocol.WriteFrame(output, HelperProtocol.SetToken, payload.Span);
        }
        finally
        {
            payload.Clear();
        }
        return ReadReply(out _);
    }

    public void RequestFailDelay(int microseconds) =>
        HelperProtocol.WriteFrame(output, HelperProtocol.FailDelay, new PayloadWriter().Int(microseconds).Span);

    private PamCode ReadReply(out byte[]? password)
    {
        password = null;
        var frame = HelperProtocol.ReadFrame(input);
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
