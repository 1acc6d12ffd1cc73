using System.Buffers.Binary;
using System.Net.Sockets;
using PamMySqlNet.Helper;

namespace PamMySqlNet.Cli.Daemon;

/// <summary>
/// One PAM host's connection: one request. Its 'Q' frame is read without a thread (async, with a
/// deadline from the accept: a client that sends half a frame and stops holds no worker and is
/// dropped); then a worker runs the same <see cref="HelperSession"/> as the fork helper on it.
/// </summary>
internal sealed class BrokerConnection : IDisposable
{
    /// <summary>The whole request frame must arrive within this time of the connect.</summary>
    public const int RequestDeadlineMs = 5_000;
    /// <summary>The host's answer to a prompt: a person may be typing a password.</summary>
    private const int ReplyTimeoutMs = 300_000;
    /// <summary>A host that does not read what we send.</summary>
    private const int SendTimeoutMs = 10_000;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly HelperSession _session;
    private byte[] _request = [];

    public PeerCredentials Peer { get; }

    public BrokerConnection(Socket socket, PeerCredentials peer)
    {
        _socket = socket;
        Peer = peer;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _session = new HelperSession(_stream, _stream);
    }

    /// <summary>Reads the request frame; false when the host sent anything else, too much, or too slowly.</summary>
    public async Task<bool> ReadRequestAsync(CancellationToken stop)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
        deadline.CancelAfter(RequestDeadlineMs);
        try
        {
            var head = new byte[5];
            if (!await ReceiveExactlyAsync(head, deadline.Token) || head[0] != HelperProtocol.Request)
                return false;
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(1));
            if (length > HelperProtocol.MaxPayload)
                return false;
            _request = new byte[length];
            return await ReceiveExactlyAsync(_request, deadline.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    private async Task<bool> ReceiveExactlyAsync(Memory<byte> buffer, CancellationToken token)
    {
        while (buffer.Length > 0)
        {
            int n = await _socket.ReceiveAsync(buffer, SocketFlags.None, token);
            if (n == 0)
                return false;
            buffer = buffer[n..];
        }
        return true;
    }

    /// <summary>Runs the request (on a worker thread) and answers it.</summary>
    public void Serve()
    {
        _socket.ReceiveTimeout = ReplyTimeoutMs;
        _socket.SendTimeout = SendTimeoutMs;
        _session.Serve(_request, callerPid: Peer.Pid);
    }

    /// <summary>Called every heartbeat period by the daemon while the request waits or runs.</summary>
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
