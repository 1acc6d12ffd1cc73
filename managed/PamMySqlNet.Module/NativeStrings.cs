using System.Runtime.InteropServices;
using System.Text;
using PamMySqlNet.Auth;
using PamMySqlNet.Pam;

namespace PamMySqlNet.Module;

/// <summary>C strings and the request struct (NativeAbi.cs) as managed values.</summary>
internal static unsafe class NativeStrings
{
    public static byte[] ToCString(string s)
    {
        byte[] b = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, b);
        return b;
    }

    public static string? Read(byte* p) =>
        p == null ? null : Encoding.UTF8.GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(p));

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
            Read(r->RHost),
            r->CallerUid,
            r->CallerPid);
    }
}
