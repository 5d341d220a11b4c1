using System.Diagnostics;
using Xunit;

namespace Playbook.Tests.LanguageServer;

/// <summary>A real LSP client: headless Neovim starts the built <c>playbook lsp</c>, opens a playbook with a
/// typo, and must receive the PB1001 diagnostic, a hover and a definition. Needs <c>nvim</c> (Debian package neovim,
/// installed by .ci/run); it fails, never skips, without it.</summary>
public sealed class NeovimEndToEndTests
{
    private const string Script = """
        local out = assert(io.open(vim.env.LSP_OUT, 'w'))
        local function finish(line) out:write(line .. '\n'); out:close(); vim.cmd('qall!') end
        vim.cmd('edit ' .. vim.env.LSP_FILE)
        local client = vim.lsp.start_client({ name = 'playbook', cmd = { 'dotnet', vim.env.LSP_DLL, 'lsp' }, root_dir = vim.env.LSP_DIR })
        vim.lsp.buf_attach_client(0, client)
        local got = vim.wait(60000, function() return #vim.diagnostic.get(0) > 0 end, 100)
        if not got then finish('NO DIAGNOSTICS') return end
        for _, d in ipairs(vim.diagnostic.get(0)) do
          out:write(string.format('DIAG %s %d:%d %s\n', d.code or '?', d.lnum, d.col, (d.message:gsub('\n', ' '))))
        end
        local c = vim.lsp.get_client_by_id(client)
        local res = c.request_sync('textDocument/hover', { textDocument = { uri = vim.uri_from_bufnr(0) }, position = { line = 2, character = 8 } }, 30000, 0)
        if res and res.result then out:write('HOVER ' .. (res.result.contents.value:gsub('\n', ' ')) .. '\n') else out:write('NO HOVER\n') end
        local def = c.request_sync('textDocument/definition', { textDocument = { uri = vim.uri_from_bufnr(0) }, position = { line = 7, character = 16 } }, 30000, 0)
        if def and def.result and def.result[1] then
          out:write(string.format('DEF %d:%d\n', def.result[1].range.start.line, def.result[1].range.start.character))
        else out:write('NO DEF\n') end
        finish('DONE')
        """;

    private const string Text = """
        playbook restart {
          rto 10m
          step stop "Stop the service" {
            shell "true"
            timeout 30s
            retry 2 backoff 1s x2
            on ok -> verfy
            on fail -> failed
          }
          step verify "Check" {
            shell "true"
            timeout 1m
            on ok -> done
            on fail -> failed
          }
          end done success "stopped"
          end failed failure "could not stop"
        }
        """;

    [Fact]
    public void Neovim_receives_the_typo_diagnostic_a_hover_and_a_definition_from_playbook_lsp()
    {
        var dir = Directory.CreateTempSubdirectory("playbook-nvim-");
        try
        {
            var file = Path.Combine(dir.FullName, "restart.playbook");
            File.WriteAllText(file, Text);
            var script = Path.Combine(dir.FullName, "test.lua");
            File.WriteAllText(script, Script);
            var output = Path.Combine(dir.FullName, "out.txt");

            var start = new ProcessStartInfo("nvim") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, WorkingDirectory = dir.FullName };
            foreach (var a in new[] { "--headless", "-u", "NONE", "-i", "NONE", "-c", "luafile " + script }) start.ArgumentList.Add(a);
            start.Environment["LSP_OUT"] = output;
            start.Environment["LSP_FILE"] = file;
            start.Environment["LSP_DIR"] = dir.FullName;
            start.Environment["LSP_DLL"] = CliProcess.PlaybookDll();
            start.Environment["XDG_STATE_HOME"] = dir.FullName;
            start.Environment["XDG_DATA_HOME"] = dir.FullName;
            using var nvim = Process.Start(start)!;
            if (!nvim.WaitForExit(TimeSpan.FromSeconds(120)))
            {
                nvim.Kill(entireProcessTree: true);
                Assert.Fail("nvim did not finish in 120 s");
            }
            var lines = File.Exists(output) ? File.ReadAllLines(output) : [];
            var all = string.Join('\n', lines);
            Assert.Contains(lines, l => l.StartsWith("DIAG PB1001 6:13 'verfy' is not a state or phase", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.StartsWith("HOVER step **stop** — Stop the service", StringComparison.Ordinal) && l.Contains("retries: 1s, 2s", StringComparison.Ordinal));
            // Go to definition on 'failed' in 'on fail -> failed' lands on 'end failed'.
            Assert.Contains("DEF 16:6", lines);
            Assert.True(lines.LastOrDefault() == "DONE", all);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
