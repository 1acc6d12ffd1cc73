using System.Runtime.InteropServices;

namespace PamMySqlNet.Cli.Interop;

/// <summary>glibc's mallopt, for the helper's own address space (see RunHelper).</summary>
internal static partial class LibCMalloc
{
    /// <summary>M_ARENA_MAX from malloc.h.</summary>
    public const int ArenaMax = -8;

    [LibraryImport(PamMySqlNet.Interop.NativeLibraries.LibC, EntryPoint = "mallopt")]
    public static partial int MallOpt(int param, int value);
}
