using System.Runtime.InteropServices;

namespace PamMySqlNet.Module;

// Mirrors of the structs in native/pmn_abi.h. Keep both in step and bump AbiVersion on any change.

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NativeCallbacks
{
    public void* Context;
    /// <summary>void log(void *ctx, int priority, const char *message)</summary>
    public delegate* unmanaged<void*, int, byte*, void> Log;
    /// <summary>int get_authtok(void *ctx, int mode, const char **authtok)</summary>
    public delegate* unmanaged<void*, int, byte**, int> GetAuthTok;
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
    public NativeCallbacks* Callbacks;
}

internal static class NativeAbi
{
    public const uint Version = 1;
}
