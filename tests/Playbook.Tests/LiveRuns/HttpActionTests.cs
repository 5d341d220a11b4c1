using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Playbook.LiveRuns.Actions;
using Xunit;
using static Playbook.Tests.LiveRuns.TestHttpServer;

namespace Playbook.Tests.LiveRuns;

public sealed class HttpActionTests
{
    private static readonly HttpClient Client = new();
    private static readonly HttpAction Http = new(Client);
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Reads_status_body_json_and_headers()
    {
        await using var server = new TestHttpServer(_ => Response(503, """{"ok": false, "n": 2, "ratio": 0.5, "whole": 3.0, "items": ["a", null, true], "nested": {"x": 1}}""",
            "Content-Type: application/json", "X-Request-Id: abc"));
        var result = await Http.SendAsync("GET", server.Url + "/health", null, Array.Empty<string>(), Limit, CancellationToken.None);

        Assert.Null(result.Error);
        Assert.False(result.TimedOut);
        Assert.Equal(503, result.Status);
        Assert.Equal("abc", result.Headers["x-request-id"]);
        Assert.Equal("application/json", result.Headers["content-type"]);
        var json = Assert.IsAssignableFrom<IDictionary<string, object?>>(result.Json);
        Assert.Equal(false, json["ok"]);
        Assert.Equal(2L, json["n"]);
        Assert.Equal(0.5, json["ratio"]);
        Assert.Equal(3L, json["whole"]);
        Assert.Equal(new List<object?> { "a", null, true }, json["items"]);
        Assert.Equal(1L, Assert.IsAssignableFrom<IDictionary<string, object?>>(json["nested"])["x"]);

        var response = Assert.IsAssignableFrom<IDictionary<string, object?>>(result.ToOutputs()["response"]);
        Assert.Equal(503L, response["status"]);
        Assert.Equal(result.Body, response["body"]);
        Assert.Same(result.Json, response["json"]);
        Assert.Equal("abc", Assert.IsAssignableFrom<IDictionary<string, object?>>(response["headers"])["x-request-id"]);
    }

    [Theory]
    [InlineData("text/plain", "[1, 2]", true)]      // looks like JSON: parsed whatever the type says
    [InlineData("application/problem+json", " {\"a\": 1}", true)]
    [InlineData("text/plain", "all good", false)]
    [InlineData("application/json", "{broken", false)] // says JSON, is not: no json, still a body
    public async Task Json_is_parsed_only_when_it_is_json(string type, string body, bool parsed)
    {
        await using var server = new TestHttpServer(_ => Response(200, body, "Content-Type: " + type));
        var result = await Http.SendAsync("GET", server.Url, null, Array.Empty<string>(), Limit, CancellationToken.None);
        Assert.Equal(body, result.Body);
        Assert.Equal(parsed, result.Json is not null);
    }

    [Fact]
    public async Task Sends_method_body_and_headers()
    {
        await using var server = new TestHttpServer(_ => Response(201, ""));
        var result = await Http.SendAsync("post", server.Url + "/jobs?x=1", """{"retry": true}""",
            new[] { "Authorization: Bearer t0k3n", "Content-Type: application/vnd.custom+json", "X-Empty:", "X-Colons: a:b:c" }, Limit, CancellationToken.None);

        Assert.Equal(201, result.Status);
        var request = Assert.Single(server.Received);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/jobs?x=1", request.Path);
        Assert.Equal("""{"retry": true}""", request.Body);
        Assert.Equal("Bearer t0k3n", request.Headers["authorization"]);
        Assert.Equal("application/vnd.custom+json", request.Headers["content-type"]);
        Assert.Equal("a:b:c", request.Headers["x-colons"]);
    }

    [Theory]
    [InlineData("""{"a": 1}""", "application/json; charset=utf-8")]
    [InlineData("restart please", "text/plain; charset=utf-8")]
    public async Task A_body_without_a_content_type_gets_one(string body, string type)
    {
        await using var server = new TestHttpServer(_ => Response(200, ""));
        await Http.SendAsync("PUT", server.Url, body, Array.Empty<string>(), Limit, CancellationToken.None);
        Assert.Equal(type, Assert.Single(server.Received).Headers["content-type"]);
    }

    [Fact]
    public async Task A_stalled_server_times_out_at_the_limit()
    {
        await using var server = new TestHttpServer(_ => null);
        var clock = Stopwatch.StartNew();
        var result = await Http.SendAsync("GET", server.Url, null, Array.Empty<string>(), TimeSpan.FromMilliseconds(300), CancellationToken.None);
        Assert.True(result.TimedOut);
        Assert.Equal(0, result.Status);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task A_body_that_stalls_halfway_times_out_too()
    {
        await using var server = new TestHttpServer(_ => "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part" + Stall);
        var result = await Http.SendAsync("GET", server.Url, null, Array.Empty<string>(), TimeSpan.FromMilliseconds(300), CancellationToken.None);
        Assert.True(result.TimedOut);
    }

    [Fact]
    public async Task A_connection_closed_halfway_through_the_body_is_an_error()
    {
        await using var server = new TestHttpServer(_ => "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part");
        var result = await Http.SendAsync("GET", server.Url, null, Array.Empty<string>(), Limit, CancellationToken.None);
        Assert.False(result.TimedOut);
        Assert.NotNull(result.Error);
    }

    [Fact]
    public async Task Cancelling_throws()
    {
        await using var server = new TestHttpServer(_ => null);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Http.SendAsync("GET", server.Url, null, Array.Empty<string>(), Limit, cts.Token));
    }

    [Fact]
    public async Task A_refused_connection_is_an_error_not_an_exception()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var result = await Http.SendAsync("GET", $"http://127.0.0.1:{port}/", null, Array.Empty<string>(), Limit, CancellationToken.None);
        Assert.Equal(0, result.Status);
        Assert.False(result.TimedOut);
        Assert.Contains("refused", result.Error, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("GET", "not a url", new string[0], "URL")]
    [InlineData("GET", "ftp://example.org/", new string[0], "URL")]
    [InlineData("GE T", "http://127.0.0.1:1/", new string[0], "method")]
    [InlineData("GET", "http://127.0.0.1:1/", new[] { "no colon here" }, "Name: value")]
    [InlineData("GET", "http://127.0.0.1:1/", new[] { "Bad Name: x" }, "Name: value")]
    public async Task A_request_that_cannot_be_made_is_an_error(string method, string url, string[] headers, string says)
    {
        var result = await Http.SendAsync(method, url, null, headers, Limit, CancellationToken.None);
        Assert.Equal(0, result.Status);
        Assert.Contains(says, result.Error);
    }

    [Fact]
    public async Task A_header_value_with_a_newline_cannot_smuggle_a_header()
    {
        await using var server = new TestHttpServer(_ => Response(200, ""));
        var result = await Http.SendAsync("GET", server.Url, null, new[] { "X-A: 1\r\nX-Injected: yes" }, Limit, CancellationToken.None);
        Assert.Contains("line break", result.Error);
        Assert.DoesNotContain(server.Received, r => r.Headers.ContainsKey("x-injected"));
    }

    [Fact]
    public async Task A_body_beyond_the_cap_is_cut()
    {
        var big = new string('a', ShellRunner.MaxOutputBytes + 10);
        await using var server = new TestHttpServer(_ => Response(200, big));
        var result = await Http.SendAsync("GET", server.Url, null, Array.Empty<string>(), Limit, CancellationToken.None);
        Assert.Equal(ShellRunner.MaxOutputBytes, result.Body.Length);
        Assert.True(result.BodyTruncated);
    }
}
