using System.Buffers.Binary;
using System.Net.Sockets;
using PamMySqlNet.Auth;
using PamMySqlNet.Helper;
using PamMySqlNet.Interop;

namespace PamMySqlNet.Daemon;

/// <summary>
/// One PAM host's connection: one request (or one `daemon --status` request, <see cref="StatusFrames"/>). The worker that accepted it reads the 'Q' frame
/// right away when it is there (the module sends it with the connect, so it nearly always is)
/// and runs the same <see cref="HelperSession"/> as the fork helper on its own thread. A frame
/// that has not arrived within <see cref="QuickReadMs"/> is read on without a thread (async,
/// until <see cref="RequestDeadlineMs"/> after the accept): a client that sends half a frame and
/// stops holds no worker, and is dropped.
/// </summary>
internal sealed class BrokerConnection : IDisposable
{
    /// <summary>The whole request frame must arrive within this time of the accept.</summary>
    public const int RequestDeadlineMs = 5_000;
    /// <summary>How long the accepting worker waits for the frame before leaving it to async reads.</summary>
    public const int QuickReadMs = 5;
    /// <summary>The host's answer to a prompt: a person may be typing a password.</summary>
    private const int ReplyTimeoutMs = 300_000;
    /// <summary>A host that does not read what we send.</summary>
    private const int SendTimeoutMs = 10_000;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly HelperSession _session;
    private readonly long _acceptedAt = Environment.TickCount64;
    private readonly byte[] _head = new byte[5];
    private int _headRead;
    private byte[]? _request;
    private int _requestRead;

    public enum Progress { NeedMore, Complete, Refused }

    public PeerCredentials Peer { get; }

    public BrokerConnection(Socket socket, PeerCredentials peer)
    {
        _socket = socket;
        Peer = peer;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _session = new HelperSession(_stream, _stream);
    }

    /// <summary>Reads what arrives within <see cref="QuickReadMs"/>, on the calling thread.</summary>
    public Progress ReadNow()
    {
        _socket.ReceiveTimeout = QuickReadMs;
        long until = Environment.TickCount64 + QuickReadMs;
        try
        {
            while (true)
            {
                var progress = Advance(_socket.Receive(Unread().Span));
                if (progress != Progress.NeedMore || Environment.TickCount64 >= until)
                    return progress;
            }
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
        {
            return Progress.NeedMore;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return Progress.Refused;
        }
    }

    /// <summary>Reads the rest of the request frame without a thread, until the deadline.</summary>
    public async Task<Progress> ReadRestAsync(CancellationToken stop)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
        deadline.CancelAfter(TimeSpan.FromMilliseconds(Math.Max(1, _acceptedAt + RequestDeadlineMs - Environment.TickCount64)));
        try
        {
            var progress = Progress.NeedMore;
            while (progress == Progress.NeedMore)
                progress = Advance(await _socket.ReceiveAsync(Unread(), SocketFlags.None, deadline.Token));
            return progress;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            return Progress.Refused;
        }
    }

    private Memory<byte> Unread() =>
        _headRead < _head.Length ? _head.AsMemory(_headRead) : _request.AsMemory(_requestRead);

    /// <summary>Takes in N more bytes of the frame (0: the host closed the connection).</summary>
    private Progress Advance(int n)
    {
        if (n <= 0)
            return Progress.Refused;
        if (_headRead < _head.Length)
        {
            _headRead += n;
            if (_headRead < _head.Length)
                return Progress.NeedMore;
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(_head.AsSpan(1));
            bool known = _head[0] == HelperProtocol.Request && length <= HelperProtocol.MaxPayload
                         || _head[0] == StatusFrames.Type && length == StatusFrames.RequestLength;
            if (!known)
                return Progress.Refused;
            _request = new byte[length];
            return length == 0 ? Progress.Complete : Progress.NeedMore;
        }
        _requestRead += n;
        return _requestRead == _request!.Length ? Progress.Complete : Progress.NeedMore;
    }

    /// <summary>Runs the request (its frame complete) on the calling thread and answers it.</summary>
    public void Serve()
    {
        _socket.ReceiveTimeout = ReplyTimeoutMs;
        _socket.SendTimeout = SendTimeoutMs;
        if (_head[0] == StatusFrames.Type)
            ServeStatus();
        else
            _session.Serve(_request ?? [], callerPid: Peer.Pid);
    }

    /// <summary>`pam-mysql-net daemon --status`: the throttled keys (the peer is root: see
    /// <see cref="BrokerDaemon"/>); a malformed request is closed unanswered.</summary>
    private void ServeStatus()
    {
        if (StatusFrames.ReadRequest(_request) is not { } max)
            return;
        try
        {
            HelperProtocol.WriteFrame(_stream, StatusFrames.Type, StatusFrames.Answer(Throttle.Shared.Snapshot(max)));
        }
        catch (IOException)
        {
            // The asker went away.
        }
    }

    /// <summary>Called every heartbeat period by the daemon while the request runs.</summary>
    public void Heartbeat()
    {
        try
        {
            _session.Heartbeat();
        }
        catch (ObjectDisposedException)
        {
            // Finished meanwhile.
        }
    }

    public void Dispose() => _stream.Dispose();
}
