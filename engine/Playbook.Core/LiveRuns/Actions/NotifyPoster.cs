using System.Net.Http.Headers;
using System.Text.Json;

namespace Playbook.LiveRuns.Actions;

/// <summary>Delivers a <c>notify</c> to a webhook. Best effort: a broken webhook must not break a recovery,
/// so failures come back as a message, never as an exception (cancelling the run still throws).</summary>
public static class NotifyPoster
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Posts <paramref name="payload"/> as JSON. Null when the webhook took it (2xx), else why not.</summary>
    public static async Task<string?> PostAsync(HttpClient client, string url, object payload, CancellationToken ct)
    {
        using var timer = new CancellationTokenSource(Timeout);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, ct);
        try
        {
            // Serialized as what it is at run time (an anonymous object, a map), not as object; and up front,
            // so it goes with a Content-Length, which some webhook receivers insist on (no chunked upload).
            using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(payload, payload.GetType()));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            using var response = await client.PostAsync(url, content, stop.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? null : $"webhook answered {(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw new OperationCanceledException(ct);
        }
        catch (OperationCanceledException)
        {
            return $"webhook did not answer within {Timeout.TotalSeconds:0} s";
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or NotSupportedException or UriFormatException or JsonException)
        {
            // Refused, unknown host, not an absolute http(s) URL, a payload System.Text.Json cannot write.
            return $"webhook failed: {e.Message}";
        }
    }
}
