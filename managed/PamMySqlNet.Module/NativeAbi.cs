using System.Runtime.InteropServices;

namespace PamMySqlNet.Module;

// Mirrors of the structs in native/pmn_abi.h. Keep both in step and bump AbiVersion on any change;
// tests/PamMySqlNet.Tests/Abi/AbiLayoutTests.cs compiles the header and compares every field's
// name, offset and the structs' sizes with these.

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NativeCallbacks
{
    /// <summary>void *ctx: the pam_handle_t, passed back to every callback</summary>
    public void* Ctx;
    /// <summary>void log(void *ctx, int priority, const char *message)</summary>
    public delegate* unmanaged<void*, int, byte*, void> Log;
    /// <summary>int get_authtok(void *ctx, int item, int mode, const char *prompt, const char **authtok)</summary>
    public delegate* unmanaged<void*, int, int, byte*, byte**, int> GetAuthTok;
    /// <summary>int set_authtok(void *ctx, int item, const char *authtok)</summary>
    public delegate* unmanaged<void*, int, byte*, int> SetAuthTok;
    /// <summary>void fail_delay(void *ctx, unsigned int usec)</summary>
    public delegate* unmanaged<void*, uint, void> FailDelay;
    /// <summary>int remember(void *ctx, const void *data, uint32_t len)</summary>
    public delegate* unmanaged<void*, byte*, uint, int> Remember;
    /// <summary>int32_t recall(void *ctx, void *buf, uint32_t cap)</summary>
    public delegate* unmanaged<void*, byte*, uint, int> Recall;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NativeRequest
{
    public uint AbiVersion;
    public int Operation;
    public int Flags;
    public int Argc;
    public byte** Argv;
    public byte* User;
    public byte* Service;
    public byte* RHost;
    public int CallerUid;
    public int CallerPid;
    public NativeCallbacks* Callbacks;
}

internal static class NativeAbi
{
    public const uint Version = PamMySqlNet.Pam.ShimAbi.Version;

    public const int MemoMax = PamMySqlNet.Pam.ShimAbi.MemoMax;
}
