using PamMySqlNet.Logging;

namespace PamMySqlNet.Module;

/// <summary>Log lines go back to the shim, which hands them to pam_syslog.</summary>
internal sealed unsafe class CallbackLog(NativeCallbacks* callbacks) : IModuleLog
{
    public void Write(LogLevel level, string message)
    {
        if (callbacks->Log == null)
            return;
        byte[] buffer = NativeStrings.ToCString(LogText.Printable(message));
        fixed (byte* p = buffer)
            callbacks->Log(callbacks->Ctx, (int)level, p);
    }
}
