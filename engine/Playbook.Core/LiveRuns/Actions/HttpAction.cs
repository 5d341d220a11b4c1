using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace Playbook.LiveRuns.Actions;

/// <summary>Sends the request of an <c>http METHOD "url"</c> step. Whatever the far end does (refuses, stalls,
/// answers 500) comes back as an <see cref="HttpResult"/>; only cancelling the run throws. The body is
/// redacted as it arrives (see <see cref="CappedOutput"/>).</summary>
public sealed class HttpAction(HttpClient client, Redactor? redactor = null)
{
    /// <param name="headers">Rendered <c>header "Name: value"</c> lines.</param>
    public async Task<HttpResult> SendAsync(string method, string url, string? body, IReadOnlyList<string> headers, TimeSpan? limit, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var clock = Stopwatch.StartNew();
        var (request, problem) = Build(method, url, body, headers);
        if (request is null) return HttpResult.Failed(problem!, clock.Elapsed);

        using var _ = request;
        using var timer = limit is { } l ? new CancellationTokenSource(l) : new CancellationTokenSource();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, ct);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop.Token).ConfigureAwait(false);
            var content = new CappedOutput(ShellRunner.MaxOutputBytes, redactor);
            await using (var stream = await response.Content.ReadAsStreamAsync(stop.Token).ConfigureAwait(false))
            {
                var buffer = new byte[81920];
                int read;
                while (!content.Truncated && (read = await stream.ReadAsync(buffer, stop.Token).ConfigureAwait(false)) > 0) content.Keep(buffer.AsSpan(0, read));
            }
            var text = content.Text();
            return new HttpResult((int)response.StatusCode, text, LooksLikeJson(response, text) ? JsonValues.TryParse(text) : null,
                Headers(response), TimedOut: false, Error: null, clock.Elapsed) { BodyTruncated = content.Truncated };
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw new OperationCanceledException(ct);
        }
        catch (OperationCanceledException)
        {
            // Our limit, or the client's own Timeout: either way the request ran out of time.
            return HttpResult.Failed(null, clock.Elapsed, timedOut: true);
        }
        catch (HttpRequestException e)
        {
            return HttpResult.Failed(Describe(e), clock.Elapsed);
        }
        catch (IOException) when (stop.IsCancellationRequested)
        {
            // The body read was aborted by the limit or the run, rather than failing by itself.
            ct.ThrowIfCancellationRequested();
            return HttpResult.Failed(null, clock.Elapsed, timedOut: true);
        }
        catch (IOException e)
        {
            // The connection broke during the body ("response ended prematurely"): an incomplete answer.
            return HttpResult.Failed(e.Message, clock.Elapsed);
        }
    }

    private static (HttpRequestMessage? Request, string? Problem) Build(string method, string url, string? body, IReadOnlyList<string> headers)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            return (null, $"'{url}' is not an http:// or https:// URL");
        HttpRequestMessage request;
        try
        {
            request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), uri);
        }
        catch (FormatException)
        {
            return (null, $"'{method}' is not an HTTP method");
        }
        if (body is not null) request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        foreach (var line in headers)
        {
            var colon = line.IndexOf(':');
            var name = colon > 0 ? line[..colon].Trim() : "";
            var value = colon > 0 ? line[(colon + 1)..].Trim() : "";
            // TryAddWithoutValidation sends CR/LF as they are: a value rendered from data could add headers.
            var problem = value.Any(c => c != '\t' && char.IsControl(c)) ? $"header '{name}' has a line break or control character in its value"
                : name.Length == 0 || !Add(request, name, value) ? $"header '{line}' is not 'Name: value'"
                : null;
            if (problem is not null)
            {
                request.Dispose();
                return (null, problem);
            }
        }
        if (request.Content is { Headers.ContentType: null } && body is not null)
        {
            // Servers often refuse a body with no type; a JSON-looking body is nearly always meant as JSON.
            request.Content.Headers.ContentType = JsonValues.TryParse(body) is not null && body.TrimStart() is ['{' or '[', ..]
                ? new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" }
                : new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
        }
        return (request, null);
    }

    // Content-Type, Content-Length… belong to the content, the rest to the request.
    private static bool Add(HttpRequestMessage request, string name, string value)
    {
        try
        {
            if (request.Headers.TryAddWithoutValidation(name, value)) return true;
            request.Content ??= new ByteArrayContent(Array.Empty<byte>());
            if (request.Content.Headers.Contains(name)) request.Content.Headers.Remove(name);
            return request.Content.Headers.TryAddWithoutValidation(name, value);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static bool LooksLikeJson(HttpResponseMessage response, string body) =>
        response.Content.Headers.ContentType?.MediaType is { } type && (type.EndsWith("/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
        || body.TrimStart() is ['{' or '[', ..];

    private static IReadOnlyDictionary<string, object?> Headers(HttpResponseMessage response)
    {
        var headers = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            headers[name.ToLowerInvariant()] = string.Join(", ", values);
        }
        return headers;
    }

    // HttpRequestException's own message is often just "An error occurred while sending the request.";
    // the reason (refused, name not found, TLS) is in the inner exception.
    private static string Describe(HttpRequestException e)
    {
        var message = new StringBuilder(e.Message);
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (!message.ToString().Contains(inner.Message, StringComparison.Ordinal)) message.Append(" (").Append(inner.Message).Append(')');
        }
        return message.ToString();
    }
}
