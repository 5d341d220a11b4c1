using System.Net;
using Microsoft.AspNetCore.Builder;
using Playbook.Web;
using Xunit;

namespace Playbook.Tests.Web;

/// <summary>The console on Kestrel on a free loopback port, built by <see cref="WebConsole.Build"/> as <c>playbook
/// serve</c> builds it, in this process (so a test can give it an in-memory answer inbox); stopped when disposed.</summary>
internal sealed class KestrelConsole : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<HttpClient> _clients = [];

    private KestrelConsole(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    public static async Task<KestrelConsole> StartAsync(WebConsoleOptions options)
    {
        var app = WebConsole.Build(options, new IPEndPoint(IPAddress.Loopback, 0));
        await app.StartAsync();
        return new KestrelConsole(app, WebConsole.UrlOf(app));
    }

    /// <summary>A client signed in through the form, keeping its cookies, not following redirects.</summary>
    public async Task<HttpClient> SignedInAsync(string token)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = new Uri(Url),
            Timeout = TimeSpan.FromMinutes(2),
        };
        _clients.Add(client);
        var response = await client.PostAsync("/signin", ConsoleFactory.Form(("__csrf", await ConsoleFactory.CsrfAsync(client, "/signin")), ("token", token)));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients) client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
