using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Playbook.LiveRuns.Actions;
using Xunit;
using static Playbook.Tests.LiveRuns.TestHttpServer;

namespace Playbook.Tests.LiveRuns;

public sealed class NotifyPosterTests
{
    private static readonly HttpClient Client = new();

    [Fact]
    public async Task Posts_the_payload_as_json()
    {
        await using var server = new TestHttpServer(_ => Response(204, ""));
        var error = await NotifyPoster.PostAsync(Client, server.Url + "/hook", new { text = "Rolled \"w1\" back", state = "tell", n = 2 }, CancellationToken.None);
        Assert.Null(error);
        var request = Assert.Single(server.Received);
        Assert.Equal("POST", request.Method);
        Assert.StartsWith("application/json", request.Headers["content-type"]);
        using var json = JsonDocument.Parse(request.Body);
        Assert.Equal("Rolled \"w1\" back", json.RootElement.GetProperty("text").GetString());
        Assert.Equal(2, json.RootElement.GetProperty("n").GetInt32());
    }

    [Fact]
    public async Task A_refusing_webhook_is_a_message_not_an_exception()
    {
        await using var server = new TestHttpServer(_ => Response(500, "boom"));
        Assert.Contains("500", await NotifyPoster.PostAsync(Client, server.Url, new { text = "x" }, CancellationToken.None));

        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        Assert.NotNull(await NotifyPoster.PostAsync(Client, $"http://127.0.0.1:{port}/", new { text = "x" }, CancellationToken.None));
        Assert.NotNull(await NotifyPoster.PostAsync(Client, "not a url", new { text = "x" }, CancellationToken.None));
    }

    [Fact]
    public async Task Cancelling_the_run_still_throws()
    {
        await using var server = new TestHttpServer(_ => null);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => NotifyPoster.PostAsync(Client, server.Url, new { text = "x" }, cts.Token));
    }
}
