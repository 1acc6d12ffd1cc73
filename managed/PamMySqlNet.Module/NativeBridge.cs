using System.Runtime.InteropServices;
using PamMySqlNet.Auth;
using PamMySqlNet.Logging;
using PamMySqlNet.Pam;

namespace PamMySqlNet.Module;

/// <summary>Log lines go back to the shim, which hands them to pam_syslog.</summary>
internal sealed unsafe class CallbackLog(NativeCallbacks* callbacks) : IModuleLog
{
    public void Write(LogLevel level, string message)
    {
        if (callbacks->Log == null)
            return;
        int n = System.Text.Encoding.UTF8.GetByteCount(message);
        byte[] buffer = new byte[n + 1];
        System.Text.Encoding.UTF8.GetBytes(message, buffer);
        fixed (byte* p = buffer)
            callbacks->Log(callbacks->Context, (int)level, p);
    }
}

/// <summary>The password comes from the shim (pam_get_item / the PAM conversation).</summary>
internal sealed unsafe class CallbackConversation(NativeCallbacks* callbacks) : IPamConversation
{
    public PamCode GetAuthTok(AuthTokMode mode, out byte[]? password)
    {
        password = null;
        if (callbacks->GetAuthTok == null)
            return PamCode.ConvErr;
        byte* token = null;
        int rc = callbacks->GetAuthTok(callbacks->Context, (int)mode, &token);
        if (rc != 0)
            return (PamCode)rc;
        if (token == null)
            return PamCode.AuthErr;
        password = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(token).ToArray();
        return PamCode.Success;
    }
}

internal static unsafe class NativeStrings
{
    public static string? Read(byte* p) =>
        p == null ? null : System.Text.Encoding.UTF8.GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(p));

    public static ModuleRequest ToRequest(NativeRequest* r)
    {
        var args = new string[Math.Max(0, r->Argc)];
        for (int i = 0; i < args.Length; i++)
            args[i] = Read(r->Argv[i]) ?? "";
        return new ModuleRequest(
            (PamOperation)r->Operation,
            (PamFlags)r->Flags,
            args,
            Read(r->User) ?? "",
            Read(r->Service),
            Read(r->RHost));
    }
}
