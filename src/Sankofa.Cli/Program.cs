using System.CommandLine;
using Sankofa.Cli;

// `up` and `server` stop their workers, agents and chain on Ctrl-C or SIGTERM, which can take longer than the default 2 s
// after which System.CommandLine gives up, exits with 130 and leaves the children behind.
return await SankofaCommand.Create().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30) });
