using System.Runtime.InteropServices;
using System.Security.Cryptography;
using PamMySqlNet.Pam;

namespace PamMySqlNet.Module;

/// <summary>The password comes from the shim (pam_get_item / the PAM conversation).</summary>
internal sealed unsafe class CallbackConversation(NativeCallbacks* callbacks) : IPamConversation
{
    public PamCode GetAuthTok(AuthTokItem item, AuthTokMode mode, string prompt, out byte[]? password)
    {
        password = null;
        if (callbacks->GetAuthTok == null)
            return PamCode.ConvErr;
        byte[] promptBytes = NativeStrings.ToCString(prompt);
        byte* token = null;
        int rc;
        fixed (byte* p = promptBytes)
            rc = callbacks->GetAuthTok(callbacks->Ctx, (int)item, (int)mode, p, &token);
        if (rc != 0)
            return (PamCode)rc;
        if (token == null)
            return PamCode.AuthErr;
        password = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(token).ToArray();
        return PamCode.Success;
    }

    public void RequestFailDelay(int microseconds)
    {
        if (callbacks->FailDelay != null)
            callbacks->FailDelay(callbacks->Ctx, (uint)microseconds);
    }

    public void Remember(ReadOnlySpan<byte> memo)
    {
        if (callbacks->Remember == null || memo.Length > NativeAbi.MemoMax)
            return;
        fixed (byte* p = memo)
            callbacks->Remember(callbacks->Ctx, p, (uint)memo.Length);
    }

    public int Recall(Span<byte> buffer)
    {
        if (callbacks->Recall == null)
            return -1;
        fixed (byte* p = buffer)
            return callbacks->Recall(callbacks->Ctx, p, (uint)buffer.Length);
    }

    public PamCode SetAuthTok(AuthTokItem item, ReadOnlySpan<byte> password)
    {
        if (callbacks->SetAuthTok == null)
            return PamCode.ConvErr;
        byte[] copy = new byte[password.Length + 1];
        try
        {
            password.CopyTo(copy);
            fixed (byte* p = copy)
                return (PamCode)callbacks->SetAuthTok(callbacks->Ctx, (int)item, p);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(copy);
        }
    }
}
