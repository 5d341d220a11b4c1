using Playbook.CrashTest;
using Xunit;

namespace Playbook.Tests.RunStores;

/// <summary>A real PostgreSQL of the tests' own (<see cref="PostgresCluster"/>, shared with tools/Playbook.CrashTest
/// and the benchmarks): a private temp directory, a free loopback port, run as <c>postgres</c> when the tests run as
/// root. When no server can be started the tests FAIL with what to install (.ci/run installs the package): never skipped.</summary>
public sealed class PostgresServerFixture : IDisposable
{
    private readonly PostgresCluster _cluster = new();

    public const string User = PostgresCluster.User;

    public int Port => _cluster.Port;

    public string Directory => _cluster.Directory;

    /// <summary>The server itself, for tests that restart it or hand it to the crash harness.</summary>
    public PostgresCluster Cluster => _cluster;

    /// <summary>A new, empty database for one test class (so their runs and schemas never meet).</summary>
    public string NewDatabase() => _cluster.NewDatabase();

    public string ConnectionString(string database) => _cluster.ConnectionString(database);

    public string Url(string database, string? lease = null) => _cluster.Url(database, lease);

    /// <summary>Stops the server and starts it again (the data stays): what a database restart does to runners.</summary>
    public void Restart() => _cluster.Restart();

    public void Dispose() => _cluster.Dispose();
}

/// <summary>One server for every PostgreSQL test class; each class takes its own database.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServerFixture>
{
    public const string Name = "postgres";
}
