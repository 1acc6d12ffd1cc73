using System.Runtime.InteropServices;

namespace PamMySqlNet.Interop;

/// <summary>The calling thread's signal mask and pending signals (Data/SigPipeGuard.cs).</summary>
internal static partial class LibC
{
    [StructLayout(LayoutKind.Sequential)]
    public struct TimeSpec
    {
        public nint Seconds;
        public nint Nanoseconds;
    }

    [LibraryImport(Library, EntryPoint = "pthread_sigmask")]
    public static unsafe partial int PThreadSigMask(int how, ulong* set, ulong* oldSet);

    [LibraryImport(Library, EntryPoint = "sigpending")]
    public static unsafe partial int SigPending(ulong* set);

    [LibraryImport(Library, EntryPoint = "sigtimedwait")]
    public static unsafe partial int SigTimedWait(ulong* set, void* info, TimeSpec* timeout);
}
