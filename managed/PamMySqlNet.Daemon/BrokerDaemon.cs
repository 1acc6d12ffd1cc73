using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using PamMySqlNet.Auth;
using PamMySqlNet.Interop;
using PamMySqlNet.Logging;

namespace PamMySqlNet.Daemon;

/// <summary>
/// `pam-mysql-net daemon`: one long-lived process runs the core for every PAM host on the machine
/// that connects to its socket, so hosts load no runtime and share one connection pool, one
/// parsed-line cache and one view of which servers are down.
/// <list type="bullet">
/// <item>Workers accept: each of the <c>workers</c> threads blocks in accept(2) on the socket, and
///   the one the kernel wakes reads the request and runs it on its own thread, with plain
///   blocking system calls. No hand-off between threads on the way: every hand-off (to a queue,
///   to the thread pool) cost a wake-up and a spin, measured at ~0.5 ms a login.</item>
/// <item>Only root hosts are served (SO_PEERCRED right after accept, before a byte is read); others
///   are closed at once and their module runs the request itself.</item>
/// <item>Bounded: a request frame not there within <see cref="BrokerConnection.QuickReadMs"/> is
///   read on asynchronously (no thread held) until <see cref="BrokerConnection.RequestDeadlineMs"/>;
///   at most <see cref="MaxSlow"/> such connections, more are closed (their module falls back);
///   their requests run on the thread pool, at most <c>workers</c> at a time.</item>
/// <item>While a request runs, a heartbeat frame goes to its host every <see cref="HeartbeatMs"/>:
///   the module takes a longer silence for a hung daemon.</item>
/// <item>SIGTERM/SIGINT: stop accepting, finish what runs (at most <see cref="StopGraceMs"/>), exit 0.
///   SIGHUP: drop every cache (<see cref="ProcessCaches"/>).</item>
/// </list>
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001",
    Justification = "One per process, alive until exit; worker threads may still read _stop after Run returns, so it is never disposed.")]
internal sealed class BrokerDaemon(ListenSocket listener, int workers)
{
    public const int MaxSlow = 1024;
    public const int HeartbeatMs = 500;
    private const int StopGraceMs = 10_000;
    /// <summary>Worker stacks: the core's deepest path (hashing) needs far less.</summary>
    private const int WorkerStackBytes = 1024 * 1024;

    private readonly ConcurrentDictionary<BrokerConnection, byte> _running = new();
    private readonly ConcurrentDictionary<uint, byte> _refusedUids = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _slowSlots = new(workers, workers);
    private int _slow;
    private volatile bool _drained;

    public int Run()
    {
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Reload);

        var threads = new List<Thread>();
        for (int i = 0; i < workers; i++)
            threads.Add(Start(Work, $"pmn-worker-{i}"));
        var heartbeat = Start(Heartbeats, "pmn-heartbeat");
        DaemonLog.Write(LogLevel.Info, $"listening on {listener.Description} with {workers} workers");

        _stop.Token.WaitHandle.WaitOne();
        WakeAcceptingWorkers();
        long grace = Environment.TickCount64 + StopGraceMs;
        foreach (var t in threads)
            t.Join(TimeSpan.FromMilliseconds(Math.Max(0, grace - Environment.TickCount64)));
        while (Volatile.Read(ref _slow) > 0 && Environment.TickCount64 < grace)
            Thread.Sleep(10);
        // Heartbeats go on until here: a request still running after SIGTERM must not look hung.
        _drained = true;
        heartbeat.Join(HeartbeatMs * 2);
        listener.Dispose();
        DaemonLog.Write(LogLevel.Info, "stopped");
        return 0;
    }

    private static Thread Start(ThreadStart body, string name)
    {
        var t = new Thread(body, WorkerStackBytes) { IsBackground = true, Name = name };
        t.Start();
        return t;
    }

    private void Stop(PosixSignalContext context)
    {
        context.Cancel = true; // we exit by ourselves, after the requests in flight
        _stop.Cancel();
    }

    private void Reload(PosixSignalContext context)
    {
        context.Cancel = true;
        ProcessCaches.DropAll();
        DaemonLog.Write(LogLevel.Info, "SIGHUP: dropped cached pam.d lines, database connections and server states");
    }

    /// <summary>Workers blocked in accept(2) notice the stop when a connection wakes them: one
    /// each (shutting the socket down instead would break systemd's copy of it).</summary>
    private void WakeAcceptingWorkers()
    {
        if (listener.Socket.LocalEndPoint is not UnixDomainSocketEndPoint endpoint)
            return;
        for (int i = 0; i < workers; i++)
        {
            try
            {
                using var wake = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                wake.Connect(endpoint);
            }
            catch (SocketException)
            {
                return;
            }
        }
    }

    private void Work()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = listener.Socket.Accept();
            }
            catch (SocketException e)
            {
                if (_stop.IsCancellationRequested)
                    return;
                // EMFILE and the like: the hosts' modules fall back meanwhile; don't spin.
                DaemonLog.Write(LogLevel.Err, $"accept failed: {e.SocketErrorCode}");
                Thread.Sleep(100);
                continue;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            if (_stop.IsCancellationRequested)
            {
                client.Dispose();
                return;
            }
            Take(client);
        }
    }

    /// <summary>From accept to answer, on the accepting worker when the request is there.</summary>
    private void Take(Socket client)
    {
        var peer = PeerCredentials.Of(client);
        if (peer is not { Uid: 0 } root)
        {
            if (peer is { } p && _refusedUids.Count < 64 && _refusedUids.TryAdd(p.Uid, 0))
                DaemonLog.Write(LogLevel.Notice, $"refusing connections from uid {p.Uid} (first: pid {p.Pid}): only root hosts are served");
            client.Dispose();
            return;
        }
        var connection = new BrokerConnection(client, root);
        switch (connection.ReadNow())
        {
            case BrokerConnection.Progress.Complete:
                Serve(connection);
                return;
            case BrokerConnection.Progress.NeedMore when Interlocked.Increment(ref _slow) <= MaxSlow:
                _ = ServeWhenReadAsync(connection);
                return;
            case BrokerConnection.Progress.NeedMore:
                Interlocked.Decrement(ref _slow);
                break;
        }
        connection.Dispose();
    }

    /// <summary>A request that trickles in: read without a thread, then run on the thread pool.</summary>
    private async Task ServeWhenReadAsync(BrokerConnection connection)
    {
        try
        {
            if (await connection.ReadRestAsync(_stop.Token) != BrokerConnection.Progress.Complete)
            {
                connection.Dispose();
                return;
            }
            await _slowSlots.WaitAsync();
            try
            {
                await Task.Yield(); // off the socket engine's thread
                Serve(connection);
            }
            finally
            {
                _slowSlots.Release();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _slow);
        }
    }

    private void Serve(BrokerConnection connection)
    {
        _running.TryAdd(connection, 0);
        try
        {
            connection.Serve();
        }
        catch (Exception e)
        {
            // HelperSession answers every failure itself; this is the last line of defence.
            DaemonLog.Write(LogLevel.Err, $"internal error serving pid {connection.Peer.Pid} ({e.GetType().Name})");
        }
        finally
        {
            _running.TryRemove(connection, out _);
            connection.Dispose();
        }
    }

    private void Heartbeats()
    {
        while (!_drained)
        {
            Thread.Sleep(HeartbeatMs);
            foreach (var connection in _running.Keys)
                connection.Heartbeat();
        }
    }
}
