using MedicalHub.Data.Migrations;
using MedicalHub.Identity.Api.Extensions;
using MedicalHub.Identity.Api.Infrastructure;
using MedicalHub.Identity.Api.Throttling;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.UseRequestThrottling();
app.MapIdentityApis();

await app.RunWithMigrationsAsync<IdentityServiceDbContext>(args);
