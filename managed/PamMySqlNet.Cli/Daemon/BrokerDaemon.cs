using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using PamMySqlNet.Auth;
using PamMySqlNet.Logging;

namespace PamMySqlNet.Cli.Daemon;

/// <summary>
/// `pam-mysql-net daemon`: one long-lived process runs the core for every PAM host on the machine
/// that connects to its socket, so hosts load no runtime and share one connection pool, one
/// parsed-line cache and one view of which servers are down.
/// <list type="bullet">
/// <item>Only root hosts are served (SO_PEERCRED at accept, before a byte is read); others are
///   closed at once and their module runs the request itself.</item>
/// <item>Bounded: at most <see cref="MaxPending"/> connections between accept and answer (more are
///   closed: their module falls back), request frames must arrive within
///   <see cref="BrokerConnection.RequestDeadlineMs"/> without holding a worker, and
///   <c>workers</c> threads run requests.</item>
/// <item>While a request waits for a worker or runs, a heartbeat frame goes to its host every
///   <see cref="HeartbeatMs"/>: the module takes a longer silence for a hung daemon.</item>
/// <item>SIGTERM/SIGINT: stop accepting, finish what was accepted (at most
///   <see cref="StopGraceMs"/>), exit 0. SIGHUP: drop every cache (<see cref="ProcessCaches"/>).</item>
/// </list>
/// </summary>
internal sealed class BrokerDaemon(ListenSocket listener, int workers)
{
    public const int MaxPending = 1024;
    public const int HeartbeatMs = 500;
    private const int StopGraceMs = 10_000;
    /// <summary>Worker stacks: the core's deepest path (hashing) needs far less.</summary>
    private const int WorkerStackBytes = 1024 * 1024;

    private readonly BlockingCollection<BrokerConnection> _ready = new(MaxPending);
    private readonly ConcurrentDictionary<BrokerConnection, byte> _accepted = new();
    private readonly ConcurrentDictionary<uint, byte> _refusedUids = new();
    private readonly CancellationTokenSource _stop = new();
    private int _pending;
    /// <summary>Set once the workers have finished (or the grace ran out): heartbeats stop then,
    /// not when the queue is empty (a request a worker still runs needs them while the daemon drains).</summary>
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
        AcceptAsync().GetAwaiter().GetResult();

        _ready.CompleteAdding();
        var grace = Environment.TickCount64 + StopGraceMs;
        foreach (var t in threads)
            t.Join(TimeSpan.FromMilliseconds(Math.Max(0, grace - Environment.TickCount64)));
        _drained = true;
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

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.Socket.AcceptAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException e)
            {
                // EMFILE and the like: the host's module falls back meanwhile; don't spin.
                DaemonLog.Write(LogLevel.Err, $"accept failed: {e.SocketErrorCode}");
                await Task.Delay(100);
                continue;
            }
            _ = ReceiveAsync(client);
        }
    }

    /// <summary>From accept to a request queued for a worker; no thread waits meanwhile.</summary>
    private async Task ReceiveAsync(Socket client)
    {
        var peer = PeerCredentials.Of(client);
        if (peer is not { Uid: 0 } root)
        {
            if (peer is { } p && _refusedUids.Count < 64 && _refusedUids.TryAdd(p.Uid, 0))
                DaemonLog.Write(LogLevel.Notice, $"refusing connections from uid {p.Uid} (first: pid {p.Pid}): only root hosts are served");
            client.Dispose();
            return;
        }
        if (Interlocked.Increment(ref _pending) > MaxPending)
        {
            Interlocked.Decrement(ref _pending);
            client.Dispose();
            return;
        }
        var connection = new BrokerConnection(client, root);
        bool queued = false;
        try
        {
            if (await connection.ReadRequestAsync(_stop.Token))
            {
                _accepted.TryAdd(connection, 0);
                queued = _ready.TryAdd(connection);
            }
        }
        catch (InvalidOperationException)
        {
            // Adding completed: the daemon is stopping.
        }
        if (!queued)
            Finish(connection);
    }

    private void Work()
    {
        foreach (var connection in _ready.GetConsumingEnumerable())
        {
            try
            {
                connection.Serve();
            }
            catch (Exception e)
            {
                // HelperSession answers every failure itself; this is the last line of defence.
                DaemonLog.Write(LogLevel.Err, $"internal error serving pid {connection.Peer.Pid} ({e.GetType().Name})");
            }
            Finish(connection);
        }
    }

    private void Finish(BrokerConnection connection)
    {
        _accepted.TryRemove(connection, out _);
        connection.Dispose();
        Interlocked.Decrement(ref _pending);
    }

    private void Heartbeats()
    {
        while (!_drained)
        {
            Thread.Sleep(HeartbeatMs);
            foreach (var connection in _accepted.Keys)
                connection.Heartbeat();
        }
    }
}
