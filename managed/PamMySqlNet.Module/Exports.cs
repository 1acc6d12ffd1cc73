using System.Runtime.InteropServices;
using PamMySqlNet.Auth;
using PamMySqlNet.Pam;

namespace PamMySqlNet.Module;

/// <summary>
/// The C ABI of the managed core. Every export catches everything: an exception that escapes an
/// UnmanagedCallersOnly method aborts the host process (saslauthd, sshd, ...).
/// </summary>
internal static unsafe class Exports
{
    [UnmanagedCallersOnly(EntryPoint = "pmn_abi_version")]
    internal static uint AbiVersion() => NativeAbi.Version;

    [UnmanagedCallersOnly(EntryPoint = "pmn_handle")]
    internal static int Handle(NativeRequest* request)
    {
        try
        {
            if (request == null || request->AbiVersion != NativeAbi.Version || request->Callbacks == null)
                return (int)PamCode.ServiceErr;
            var log = new CallbackLog(request->Callbacks);
            try
            {
                var conversation = new CallbackConversation(request->Callbacks);
                return (int)ModuleEntry.Run(NativeStrings.ToRequest(request), conversation, log);
            }
            catch (Exception e)
            {
                log.Write(Logging.LogLevel.Err, $"internal error ({e.GetType().Name}); request refused");
                return (int)PamCode.ServiceErr;
            }
        }
        catch
        {
            return (int)PamCode.ServiceErr;
        }
    }
}
