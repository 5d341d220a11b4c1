using System.Text;
using Playbook.RunStores;

namespace Playbook.Tests.RunStores;

/// <summary>The contract on the journal directory (today's journal files).</summary>
public sealed class FileRunStoreContractTests : RunStoreContract
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "playbook-filestore-" + Guid.NewGuid().ToString("N"));
    private readonly FileRunStore _store;

    public FileRunStoreContractTests() => _store = new FileRunStore(_directory);

    protected override IRunStore Store => _store;

    protected override bool SaysTakeover => false;

    // The kernel drops a dead holder's lock; here the test drops it for the holder it plays.
    protected override void LetLeaseLapse(RunLease lease) => FileRunStore.DropLock(lease);

    protected override void Tamper(string runId, long seq)
    {
        var path = _store.LocalPath(runId);
        var text = File.ReadAllText(path, Encoding.UTF8);
        var line = text.Split('\n')[(int)seq - 1];
        File.WriteAllText(path, text.Replace(line, line.Replace("\"n\":2", "\"n\":7", StringComparison.Ordinal), StringComparison.Ordinal), new UTF8Encoding(false));
    }

    public override void Dispose()
    {
        base.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
