using Sankofa.Cli;

return await SankofaCommand.Create().Parse(args).InvokeAsync();
