using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sankofa.Core.Ledger;

namespace Sankofa.Ledger.Rpc;

/// <summary>
/// JSON-RPC over a node's IPC socket (a Unix domain socket, as anvil and geth serve it): a request is one JSON value
/// written to the connection, its answer one line. A connection carries one request at a time, so answers need no
/// matching; idle connections are kept for the next request, at most 16 at once as over HTTP.
/// </summary>
internal sealed class IpcTransport(string path, TimeSpan timeout) : IJsonRpcTransport
{
    private const int MaxConnections = 16;
    private readonly UnixDomainSocketEndPoint _endPoint = new(path);
    private readonly ConcurrentBag<Connection> _idle = [];
    private readonly SemaphoreSlim _slots = new(MaxConnections, MaxConnections);

    public async Task<JsonElement> SendAsync(JsonNode body, CancellationToken cancellationToken)
    {
        var request = JsonSerializer.SerializeToUtf8Bytes(body);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await _slots.WaitAsync(deadline.Token).ConfigureAwait(false);
            try
            {
                return await ExchangeAsync(request, deadline.Token).ConfigureAwait(false);
            }
            finally
            {
                _slots.Release();
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            throw new LedgerUnavailableException($"The chain at {path} did not answer: {ex.Message}", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new LedgerUnavailableException($"The chain at {path} did not answer in time.", ex);
        }
        catch (JsonException ex)
        {
            throw new LedgerUnavailableException($"The chain at {path} sent a response that is not JSON-RPC.", ex);
        }
    }

    public void Dispose()
    {
        while (_idle.TryTake(out var connection))
        {
            connection.Dispose();
        }

        _slots.Dispose();
    }

    private async Task<JsonElement> ExchangeAsync(byte[] request, CancellationToken cancellationToken)
    {
        while (true)
        {
            var pooled = _idle.TryTake(out var connection);
            connection ??= await Connection.OpenAsync(_endPoint, cancellationToken).ConfigureAwait(false);
            try
            {
                var answer = await connection.ExchangeAsync(request, cancellationToken).ConfigureAwait(false);
                _idle.Add(connection);
                return answer;
            }
            catch (Exception ex) when (pooled && ex is SocketException or IOException)
            {
                // A kept connection may lead to an anvil that has since restarted: try again on a new one.
                connection.Dispose();
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }
    }

    private sealed class Connection(NetworkStream stream) : IDisposable
    {
        private const int BufferSize = 16 * 1024;
        private byte[] _buffer = new byte[BufferSize];

        public static async Task<Connection> OpenAsync(UnixDomainSocketEndPoint endPoint, CancellationToken cancellationToken)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
                return new Connection(new NetworkStream(socket, ownsSocket: true));
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        public async Task<JsonElement> ExchangeAsync(byte[] request, CancellationToken cancellationToken)
        {
            await stream.WriteAsync(request, cancellationToken).ConfigureAwait(false);
            var length = 0;
            while (true)
            {
                if (length == _buffer.Length)
                {
                    Array.Resize(ref _buffer, _buffer.Length * 2);
                }

                var read = await stream.ReadAsync(_buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new IOException("the node closed the connection");
                }

                var newline = _buffer.AsSpan(length, read).IndexOf((byte)'\n');
                length += read;
                if (newline < 0)
                {
                    continue;
                }

                using var document = JsonDocument.Parse(_buffer.AsMemory(0, length - read + newline));
                var answer = document.RootElement.Clone();
                if (_buffer.Length > 64 * BufferSize)
                {
                    _buffer = new byte[BufferSize]; // do not keep a large log query's buffer for every later call
                }

                return answer;
            }
        }

        public void Dispose() => stream.Dispose();
    }
}
