using Playbook.WebBenchmark;

// playbook-web-benchmark [EVENTS] [PAGES] [INTERVAL_MS]: see SseLatencyLoop.
var events = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1000;
var pages = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 50;
var interval = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 20;
return await SseLatencyLoop.RunAsync(events, pages, TimeSpan.FromMilliseconds(interval));
