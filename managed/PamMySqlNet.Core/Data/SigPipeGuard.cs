using PamMySqlNet.Interop;

namespace PamMySqlNet.Data;

/// <summary>
/// Keeps a write to a socket whose server died from killing the PAM host. .NET sends without
/// MSG_NOSIGNAL and relies on SIGPIPE being ignored; the shim gives the host its own disposition
/// back (default: terminate), so a login whose server was killed mid-query took pamtester, su or
/// any host that does not ignore SIGPIPE down with it (measured: exit 141). While the store talks
/// to a server, SIGPIPE is blocked on the calling thread; one raised meanwhile is taken off the
/// thread's pending set before the old mask comes back (the EPIPE error itself reaches the driver
/// as usual). Threads the runtime starts during a call (timer, thread pool) inherit the block.
/// Linux only; a no-op elsewhere and when SIGPIPE was already blocked.
/// </summary>
public static partial class SigPipeGuard
{
    private const int SIGPIPE = 13;
    private const int SIG_BLOCK = 0;
    private const int SIG_SETMASK = 2;
    // glibc's sigset_t: 1024 bits.
    private const int SigSetWords = 16;

    /// <summary>Blocks SIGPIPE on this thread until the returned scope is disposed.</summary>
    public static Scope Enter() => OperatingSystem.IsLinux() ? Scope.Begin() : default;

    public unsafe struct Scope : IDisposable
    {
        private fixed ulong _old[SigSetWords];
        private bool _restore;

        internal static Scope Begin()
        {
            var scope = default(Scope);
            ulong* set = stackalloc ulong[SigSetWords];
            PipeOnly(set);
            if (LibC.PThreadSigMask(SIG_BLOCK, set, scope._old) != 0)
                return default;
            // Already blocked by the host: leave its mask and pending signals alone.
            scope._restore = !Has(scope._old);
            return scope;
        }

        public void Dispose()
        {
            if (!_restore)
                return;
            _restore = false;
            ulong* set = stackalloc ulong[SigSetWords];
            ulong* pending = stackalloc ulong[SigSetWords];
            PipeOnly(set);
            var zero = new LibC.TimeSpec();
            // Consume the SIGPIPE a write to a dead server left pending (at most one is queued).
            if (LibC.SigPending(pending) == 0 && Has(pending))
                _ = LibC.SigTimedWait(set, null, &zero);
            fixed (ulong* old = _old)
                _ = LibC.PThreadSigMask(SIG_SETMASK, old, null);
        }
    }

    private static unsafe void PipeOnly(ulong* set)
    {
        for (int i = 0; i < SigSetWords; i++)
            set[i] = 0;
        set[(SIGPIPE - 1) / 64] = 1UL << ((SIGPIPE - 1) % 64);
    }

    private static unsafe bool Has(ulong* set) => (set[(SIGPIPE - 1) / 64] & (1UL << ((SIGPIPE - 1) % 64))) != 0;
}
