using DaprPlatform.Identity.Features;
using DaprPlatform.Identity.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.OutboxInbox;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("identity");
builder.AddServiceDatabase<IdentityDbContext>("identity");
builder.Services.AddOutbox<IdentityDbContext>();
builder.AddIdentityServices();

var app = builder.Build();
app.EnsureSigningKeyConfigured();
app.EnsureAdminListConfigured();
app.UseServiceDefaults();
app.MapIdentityApi();
await app.MigrateDatabaseAsync<IdentityDbContext>();
await app.RunAsync();

public partial class Program;
