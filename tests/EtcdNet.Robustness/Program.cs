using System.Globalization;
using EtcdNet.Robustness.Runner;
using EtcdNet.TestKit;

// etcdnet-robustness [scenarios|all] [seed]: runs the named scenarios (comma separated) with one seed, printed so a
// run can be repeated, and ends with one summary line. Exit code 1 when any run found a violation.
string? names = null;
long? seed = null;
foreach (var arg in args)
{
    if (long.TryParse(arg, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s)) seed = s;
    else if (arg is "-h" or "--help")
    {
        Console.WriteLine("usage: etcdnet-robustness [scenario,scenario,...|all] [seed]");
        Console.WriteLine("scenarios: " + string.Join(", ", Scenarios.All.Select(f => f.Name)));
        return 0;
    }
    else names = arg;
}

IReadOnlyList<EtcdNet.Robustness.Faults.Fault> faults;
try
{
    faults = Scenarios.Parse(names);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

seed ??= Random.Shared.NextInt64(1, 1_000_000);
var duration = double.TryParse(Environment.GetEnvironmentVariable("ROBUSTNESS_DURATION"), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
    ? TimeSpan.FromSeconds(d) : TimeSpan.FromSeconds(15);
var etcdnet = RepoPaths.EtcdNetDll;
var config = Path.GetFileName(Path.GetDirectoryName(etcdnet)!);
var failpointsDll = Environment.GetEnvironmentVariable("ETCDNET_FAILPOINTS_DLL") is { Length: > 0 } fromEnv
    ? fromEnv
    : Path.Combine(RepoPaths.Root, "artifacts-failpoints", "bin", "EtcdNet", config, "etcdnet.dll");
var settings = new RunSettings
{
    Duration = duration,
    EtcdNetDll = etcdnet,
    FailpointsDll = File.Exists(failpointsDll) ? failpointsDll : null,
    ResultsRoot = Path.Combine(RepoPaths.Root, "artifacts", "robustness"),
};

Console.WriteLine($"robustness: seed {seed}, {faults.Count} scenario(s), {duration.TotalSeconds:0.#}s of traffic each (rerun: ./build.sh robustness {(faults == Scenarios.All ? "all" : string.Join(',', faults.Select(f => f.Name)))} {seed})");
var results = new List<RunResult>();
foreach (var fault in faults)
{
    results.Add(await RobustnessRun.RunAsync(fault, seed.Value, settings).ConfigureAwait(false));
}

var ran = results.Where(r => !r.Skipped).ToList();
foreach (var failed in ran.Where(r => !r.Clean))
{
    Console.WriteLine($"FAILED {failed.Scenario} seed {failed.Seed}: {failed.ResultsDirectory}");
}
foreach (var open in ran.Where(r => r.Undecided))
{
    Console.WriteLine($"UNDECIDED {open.Scenario} seed {open.Seed} (checker time limit): {open.ResultsDirectory}");
}
Console.WriteLine($"robustness: {ran.Count} runs, {ran.Sum(r => r.FaultsInjected)} faults injected, {ran.Sum(r => r.OperationsChecked)} operations checked, {ran.Sum(r => r.Violations.Count)} violations");
return ran.All(r => r.Clean) ? 0 : 1;
