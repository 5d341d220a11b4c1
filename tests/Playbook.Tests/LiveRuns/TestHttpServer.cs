using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Playbook.Tests.LiveRuns;

/// <summary>A one-request-per-connection HTTP/1.1 server on 127.0.0.1 and a free port, enough to see what a
/// client sent and to answer (or stall) exactly as a test wants.</summary>
internal sealed class TestHttpServer : IAsyncDisposable
{
    public sealed record Request(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<Request, string?> _answer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;

    /// <summary>Ends an answer that should be written, then left hanging without closing the connection.</summary>
    public const string Stall = "\0stall";

    /// <param name="answer">The raw response to write, or null to stall until the server is disposed.</param>
    public TestHttpServer(Func<Request, string?> answer)
    {
        _answer = answer;
        _listener.Start();
        _serving = ServeAsync();
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public List<Request> Received { get; } = new();

    public static string Response(int status, string body, params string[] headers) =>
        $"HTTP/1.1 {status} X\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n" +
        string.Concat(headers.Select(h => h + "\r\n")) + "\r\n" + body;

    private async Task ServeAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = HandleAsync(client);
            }
        }
        catch (OperationCanceledException) { }
        catch (ObjectDisposedException) { }
        // Stopped between two accepts: the listener says "Not listening".
        catch (InvalidOperationException) when (_stop.IsCancellationRequested) { }
        catch (SocketException) when (_stop.IsCancellationRequested) { }
    }

    private async Task HandleAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        try
        {
            var request = await ReadAsync(stream);
            lock (Received) Received.Add(request);
            var response = _answer(request) ?? Stall;
            var stall = response.EndsWith(Stall, StringComparison.Ordinal);
            await stream.WriteAsync(Encoding.UTF8.GetBytes(stall ? response[..^Stall.Length] : response), _stop.Token);
            if (stall) await Task.Delay(Timeout.Infinite, _stop.Token);
        }
        catch (OperationCanceledException) { }
        catch (IOException) { }
    }

    private async Task<Request> ReadAsync(NetworkStream stream)
    {
        var bytes = new List<byte>();
        var buffer = new byte[4096];
        int end;
        while ((end = HeaderEnd(bytes)) < 0)
        {
            var read = await stream.ReadAsync(buffer, _stop.Token);
            if (read == 0) throw new IOException("closed before the headers ended");
            bytes.AddRange(buffer.AsSpan(0, read));
        }
        var lines = Encoding.UTF8.GetString(bytes.GetRange(0, end).ToArray()).Split("\r\n");
        var parts = lines[0].Split(' ');
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim());
        var length = headers.TryGetValue("content-length", out var l) ? int.Parse(l) : 0;
        var body = bytes.Skip(end + 4).ToList();
        while (body.Count < length)
        {
            var read = await stream.ReadAsync(buffer, _stop.Token);
            if (read == 0) break;
            body.AddRange(buffer.AsSpan(0, read));
        }
        return new Request(parts[0], parts[1], headers, Encoding.UTF8.GetString(body.ToArray()));
    }

    private static int HeaderEnd(List<byte> bytes)
    {
        for (var i = 0; i + 3 < bytes.Count; i++)
        {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') return i;
        }
        return -1;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _serving;
        _stop.Dispose();
    }
}
