using System.Globalization;
using System.Text;

namespace Playbook.Text;

/// <summary>Durations as playbooks write them: <c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>2h</c>, <c>1d</c> and
/// compounds such as <c>1h30m</c>. The same form is used when printing (<c>1h2m3s</c>).</summary>
public static class DurationText
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var negative = text.StartsWith('-');
        var p = negative ? 1 : 0;
        if (p >= text.Length) return false;
        double totalMs = 0;
        var lastRank = int.MaxValue;
        while (p < text.Length)
        {
            var numberStart = p;
            while (p < text.Length && (char.IsAsciiDigit(text[p]) || text[p] == '.' || text[p] == '_')) p++;
            if (p == numberStart) return false;
            var unitStart = p;
            while (p < text.Length && char.IsAsciiLetter(text[p])) p++;
            var unit = text[unitStart..p];
            var (ms, rank) = unit switch
            {
                "d" => (86_400_000d, 5),
                "h" => (3_600_000d, 4),
                "m" => (60_000d, 3),
                "s" => (1_000d, 2),
                "ms" => (1d, 1),
                _ => (0d, 0),
            };
            // Units must be known and go from large to small, each once: 1h30m, not 30m1h or 5m5m.
            if (rank == 0 || rank >= lastRank) return false;
            lastRank = rank;
            var digits = text[numberStart..unitStart].Replace("_", "", StringComparison.Ordinal);
            if (!double.TryParse(digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)) return false;
            totalMs += amount * ms;
        }
        if (totalMs > TimeSpan.MaxValue.TotalMilliseconds / 2) return false;
        value = TimeSpan.FromMilliseconds(negative ? -totalMs : totalMs);
        return true;
    }

    /// <summary>Formats as <c>1h2m3s</c>, <c>250ms</c> or <c>0s</c>; days are written as hours past 24h
    /// only when shorter than a day, so 36 hours prints <c>1d12h</c>.</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero) return "0s";
        var sb = new StringBuilder();
        if (value < TimeSpan.Zero) { sb.Append('-'); value = value.Negate(); }
        var ticks = value.Ticks;
        var days = ticks / TimeSpan.TicksPerDay; ticks %= TimeSpan.TicksPerDay;
        var hours = ticks / TimeSpan.TicksPerHour; ticks %= TimeSpan.TicksPerHour;
        var minutes = ticks / TimeSpan.TicksPerMinute; ticks %= TimeSpan.TicksPerMinute;
        var seconds = ticks / TimeSpan.TicksPerSecond; ticks %= TimeSpan.TicksPerSecond;
        var ms = ticks / TimeSpan.TicksPerMillisecond;
        if (days > 0) sb.Append(days).Append('d');
        if (hours > 0) sb.Append(hours).Append('h');
        if (minutes > 0) sb.Append(minutes).Append('m');
        if (seconds > 0) sb.Append(seconds).Append('s');
        if (ms > 0) sb.Append(ms).Append("ms");
        return sb.Length == 0 || sb.ToString() == "-" ? "0s" : sb.ToString();
    }
}
