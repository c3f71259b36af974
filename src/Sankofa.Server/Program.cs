using Sankofa.Server.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddSankofaServer();

var app = builder.Build();
app.MapSankofaServer();
await app.RunAsync();
