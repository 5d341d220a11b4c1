using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Playbook.Web.Endpoints;

/// <summary>The style sheet and the script, from the assembly's resources: nothing is fetched from anywhere else.</summary>
internal static class AssetEndpoints
{
    private static readonly Dictionary<string, (byte[] Bytes, string Type)> Assets = new(StringComparer.Ordinal)
    {
        ["console.css"] = (Load("console.css"), "text/css; charset=utf-8"),
        ["console.js"] = (Load("console.js"), "text/javascript; charset=utf-8"),
    };

    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/assets/{name}", (string name) =>
            Assets.TryGetValue(name, out var asset) ? Results.Bytes(asset.Bytes, asset.Type) : Results.NotFound()).AllowAnonymous();

    private static byte[] Load(string name)
    {
        using var stream = typeof(AssetEndpoints).Assembly.GetManifestResourceStream("Playbook.Web.Assets." + name)
            ?? throw new InvalidOperationException($"the asset {name} is not embedded in the build");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}
