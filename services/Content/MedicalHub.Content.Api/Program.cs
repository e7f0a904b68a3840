using MedicalHub.Data.Migrations;
using MedicalHub.Content.Api.Extensions;
using MedicalHub.Content.Api.Infrastructure;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapContentApis();

await app.RunWithMigrationsAsync<ContentDbContext>(args);
