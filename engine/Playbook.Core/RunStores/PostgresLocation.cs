using System.Globalization;
using Npgsql;

namespace Playbook.RunStores;

/// <summary>A PostgreSQL store's address, <c>postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?lease=30s&amp;sslmode=…]</c>,
/// turned into a connection string. <see cref="Display"/> is what messages show: the address without the password.
/// A password is better left out of the URL (PGPASSWORD or ~/.pgpass, which Npgsql reads).</summary>
public sealed class PostgresLocation
{
    public static readonly TimeSpan DefaultLease = TimeSpan.FromSeconds(30);

    private PostgresLocation(string connectionString, string display, TimeSpan lease, string? password)
    {
        ConnectionString = connectionString;
        Display = display;
        Lease = lease;
        Password = password;
    }

    public string ConnectionString { get; }

    public string Display { get; }

    public TimeSpan Lease { get; }

    /// <summary>Scrubbed from any message that might quote it.</summary>
    internal string? Password { get; }

    public static bool IsPostgres(string store) =>
        store.StartsWith("postgres://", StringComparison.Ordinal) || store.StartsWith("postgresql://", StringComparison.Ordinal);

    /// <summary>The location, or null and why (the why never holds the password).</summary>
    public static PostgresLocation? Parse(string url, out string? problem)
    {
        problem = null;
        if (!IsPostgres(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            problem = "a PostgreSQL store is written postgres://USER@HOST[:PORT]/DATABASE";
            return null;
        }
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/')) is { Length: > 0 } db ? db : "postgres",
            ApplicationName = "playbook",
            // Every commit waits for the WAL flush: a record is acknowledged only once it is durable.
            Options = "-c synchronous_commit=on",
            Timeout = 10,
            CommandTimeout = 30,
            // A runner sends the same few statements thousands of times (the fenced append above all): prepared once
            // per connection, each is then neither parsed nor planned again. And a pooled connection needs no reset:
            // nothing here leaves session state behind (advisory locks are transaction-scoped, LISTEN has connections
            // of its own, outside the pool). Together: a step's two commits 20 % cheaper (tools/Playbook.Benchmarks --store).
            MaxAutoPrepare = 20,
            NoResetOnClose = true,
        };
        string? password = null;
        var user = "";
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0) password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            builder.Username = user;
            if (password is { Length: > 0 }) builder.Password = password;
        }
        var lease = DefaultLease;
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            switch (key)
            {
                case "lease":
                    if (Text.DurationText.TryParse(value, out var d) && d >= TimeSpan.FromSeconds(1) && d <= TimeSpan.FromHours(1)) lease = d;
                    else
                    {
                        problem = $"?lease={value}: give a duration from 1s to 1h, like 30s";
                        return null;
                    }
                    break;
                case "sslmode":
                    if (Enum.TryParse<SslMode>(value, ignoreCase: true, out var mode)) builder.SslMode = mode;
                    else
                    {
                        problem = $"?sslmode={value}: use disable, prefer, require, verify-ca or verify-full";
                        return null;
                    }
                    break;
                default:
                    problem = $"?{key}: not a store option (lease, sslmode)";
                    return null;
            }
        }
        var port = builder.Port.ToString(CultureInfo.InvariantCulture);
        var display = $"postgres://{(user.Length > 0 ? Uri.EscapeDataString(user) + "@" : "")}{uri.Host}:{port}/{builder.Database}";
        return new PostgresLocation(builder.ConnectionString, display, lease, password);
    }

    /// <summary><paramref name="message"/> with the password (if any) replaced, for anything shown or logged.</summary>
    internal string Scrub(string message) =>
        Password is { Length: > 0 } p ? message.Replace(p, "***", StringComparison.Ordinal) : message;
}
