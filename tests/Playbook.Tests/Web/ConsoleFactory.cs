using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Playbook.Web;
using Xunit;

namespace Playbook.Tests.Web;

/// <summary>The console in an in-memory server, composed exactly as <c>playbook serve</c> composes it
/// (<see cref="WebConsole.AddServices"/> and <see cref="WebConsole.UsePipeline"/>). The factory wants a type from an
/// assembly with an entry point: the CLI's, which is where <c>serve</c> lives.</summary>
internal sealed partial class ConsoleFactory(WebConsoleOptions options) : WebApplicationFactory<Playbook.Cli.Commands.ServeCommand>
{
    protected override IHostBuilder CreateHostBuilder() =>
        Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.ClearProviders())
            .ConfigureWebHost(web => web
                .ConfigureServices(services => WebConsole.AddServices(services, options))
                .Configure(WebConsole.UsePipeline));

    /// <summary>A client that keeps cookies and does not follow redirects (tests look at them).</summary>
    public HttpClient Client() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>A client signed in with <paramref name="token"/>, through the sign-in form as a browser does it.</summary>
    public async Task<HttpClient> SignedInAsync(string token)
    {
        var client = Client();
        var response = await client.PostAsync("/signin", Form(("__csrf", await CsrfAsync(client, "/signin")), ("token", token)));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    /// <summary>The antiforgery token of the form on <paramref name="page"/>.</summary>
    public static async Task<string> CsrfAsync(HttpClient client, string page)
    {
        var html = await client.GetStringAsync(page);
        var match = CsrfField().Match(html);
        Assert.True(match.Success, $"no antiforgery field on {page}");
        return match.Groups[1].Value;
    }

    public static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));

    [GeneratedRegex("name=\"__csrf\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfField();
}
