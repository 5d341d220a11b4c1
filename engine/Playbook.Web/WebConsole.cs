using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Playbook.Web.Auth;
using Playbook.Web.Endpoints;
using Playbook.Web.Live;
using Playbook.Web.Playbooks;

namespace Playbook.Web;

/// <summary>The web console: services, the request pipeline and the endpoints, composed the same way for
/// <c>playbook serve</c> and for the tests' in-memory server.</summary>
public static class WebConsole
{
    public const string ApproverPolicy = "approver";
    public const string OperatorPolicy = "operator";
    public const string SignInLimit = "sign-in";

    /// <summary>The policy of every console page: nothing from anywhere but the console, no inline script, no framing.</summary>
    public const string ContentSecurityPolicy = "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static void AddServices(IServiceCollection services, WebConsoleOptions options)
    {
        services.AddSingleton(options);
        // WebApplication adds routing itself; a plain host (the tests' in-memory server) does not.
        services.AddRouting();
        services.AddSingleton(options.Users);
        services.AddSingleton(new PlaybookCatalog());
        services.AddSingleton(_ => new RunSource(options));
        services.AddSingleton(new RunSnapshots(options.Time));
        // Keys live in memory: restarting the console ends every session, and no key is left on disk.
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(cookie =>
        {
            cookie.Cookie.Name = "playbook.session";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            // Secure whenever the request came over HTTPS (behind a TLS proxy that says so, or Kestrel with a certificate).
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(12);
            cookie.SlidingExpiration = true;
            cookie.LoginPath = "/signin";
            cookie.Events = new CookieAuthenticationEvents
            {
                OnRedirectToLogin = context => Refuse(context, StatusCodes.Status401Unauthorized),
                OnRedirectToAccessDenied = context => Refuse(context, StatusCodes.Status403Forbidden),
                OnValidatePrincipal = SessionCheck.ValidateAsync,
            };
        });
        services.AddAuthorization(authorization =>
        {
            // Nothing but the sign-in page and its assets without a session.
            authorization.FallbackPolicy = new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
            authorization.AddPolicy(ApproverPolicy, p => p.RequireAuthenticatedUser().RequireRole(Roles.Approver));
            authorization.AddPolicy(OperatorPolicy, p => p.RequireAuthenticatedUser().RequireRole(Roles.Operator));
        });
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "playbook.antiforgery";
            antiforgery.Cookie.HttpOnly = true;
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            antiforgery.FormFieldName = "__csrf";
        });
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(SignInLimit, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = options.SignInPermitsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });
    }

    public static void UsePipeline(IApplicationBuilder app)
    {
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers.CacheControl = "no-store";
            await next(context);
        });
        app.UseRouting();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseEndpoints(endpoints =>
        {
            SignInEndpoints.Map(endpoints);
            AssetEndpoints.Map(endpoints);
            RunEndpoints.Map(endpoints);
            LibraryEndpoints.Map(endpoints);
            StartEndpoints.Map(endpoints);
        });
    }

    /// <summary>The console on Kestrel at <paramref name="listen"/> (port 0: a free one), quiet (no log lines on
    /// stdout, whose first line is the URL), stopped by Ctrl+C or SIGTERM.</summary>
    public static WebApplication Build(WebConsoleOptions options, IPEndPoint listen)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ApplicationName = typeof(WebConsole).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(listen);
        });
        AddServices(builder.Services, options);
        var app = builder.Build();
        UsePipeline(app);
        return app;
    }

    /// <summary>The address Kestrel is listening on once started (the port chosen when 0 was asked).</summary>
    public static string UrlOf(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "";

    /// <summary>Blocks until Ctrl+C or SIGTERM, then stops the server (open event streams end, requests finish).</summary>
    public static void WaitForShutdown(WebApplication app) => app.WaitForShutdownAsync().GetAwaiter().GetResult();

    private static Task Refuse(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        // A page asked for without a session goes to the sign-in form; anything else (a POST, the event stream) is refused.
        if (status == StatusCodes.Status401Unauthorized && HttpMethods.IsGet(context.Request.Method) && !(context.Request.Path.Value ?? "").EndsWith("/events", StringComparison.Ordinal))
        {
            context.Response.Redirect(context.RedirectUri);
            return Task.CompletedTask;
        }
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }
}
