// What the views know about sites: their zone, arrays and alert thresholds (GET api/v1/sites), their devices and
// sensors (GET api/v1/devices), and how to read a soil moisture value against the rules.

import { api } from './api.js';
import { collator, compareSensors } from './format.js';

/** Expected yield = irradiation x this, as the shipped solar-underperformance rule assumes (docs/alerts.md). */
export const PERFORMANCE_RATIO = 0.8;

export async function loadSites() {
  const [sites, devices] = await Promise.all([api.sites(), api.devices()]);
  const byId = new Map();
  for (const s of Array.isArray(sites) ? sites : []) {
    byId.set(s.site, { site: s.site, zone: s.zone || '', arrays: s.arrays || [], thresholds: s.thresholds || [],
      devices: [] });
  }
  for (const d of Array.isArray(devices) ? devices : []) {
    if (!byId.has(d.site)) byId.set(d.site, { site: d.site, zone: '', arrays: [], thresholds: [], devices: [] });
    byId.get(d.site).devices.push({ ...d, sensors: (d.sensors || []).slice().sort(compareSensors) });
  }
  const list = [...byId.values()].sort((a, b) => collator.compare(a.site, b.site));
  for (const site of list) site.devices.sort((a, b) => collator.compare(a.device, b.device));
  return list;
}

export function findDevice(sites, site, device) {
  const s = sites.find((x) => x.site === site);
  return s ? { site: s, device: s.devices.find((d) => d.device === device) } : { site: null, device: null };
}

export function sensorsOfKind(device, kind) {
  return device ? device.sensors.filter((s) => s.kind === kind) : [];
}

/** The threshold rules that watch this sensor, as chart zones. */
export function thresholdsFor(site, device, sensor, kind) {
  return site.thresholds.filter((r) => r.kind === kind
    && (!r.devices || !r.devices.length || r.devices.includes(device))
    && (!r.sensors || !r.sensors.length || r.sensors.includes(sensor)));
}

export function zonesFor(rules) {
  return rules.map((r) => (r.below !== undefined && r.below !== null
    ? { below: r.below, label: `${r.severity === 'critical' ? 'Wilting' : 'Dry'}: below ${r.below} %`,
      fill: r.severity === 'critical' ? 'rgba(179, 38, 30, 0.10)' : 'rgba(217, 160, 40, 0.14)' }
    : { above: r.above, label: `Wet: above ${r.above} %`, fill: 'rgba(31, 95, 168, 0.10)' }));
}

/** dry / ok / wet (and wilting) for a soil moisture value, from the rules that watch it; null without rules. */
export function band(rules, value) {
  if (!rules.length || typeof value !== 'number') return null;
  const below = rules.filter((r) => r.below !== undefined && r.below !== null).sort((a, b) => a.below - b.below);
  const above = rules.filter((r) => r.above !== undefined && r.above !== null).sort((a, b) => b.above - a.above);
  const crossed = below.find((r) => value < r.below); // the lowest limit it is under
  if (crossed) {
    return crossed.severity === 'critical' ? { id: 'wilting', label: 'Wilting', icon: '✖' }
      : { id: 'dry', label: 'Dry', icon: '▼' };
  }
  if (above.some((r) => value > r.above)) return { id: 'wet', label: 'Wet', icon: '▲' };
  return { id: 'ok', label: 'OK', icon: '✓' };
}

/** A site's arrays: those configured with a peak power, and any other device that reports solar power. */
export function arraysOf(site) {
  const arrays = new Map();
  for (const a of site.arrays) {
    arrays.set(a.device, { device: a.device, powerSensor: a.sensor, peakPowerW: a.peakPowerW });
  }
  for (const d of site.devices) {
    const power = d.sensors.find((s) => s.kind === 'solar_power');
    if (power && !arrays.has(d.device)) arrays.set(d.device, { device: d.device, powerSensor: power.sensor, peakPowerW: null });
  }
  for (const a of arrays.values()) {
    const d = site.devices.find((x) => x.device === a.device);
    a.info = d || null;
    if (!a.powerSensor && d) {
      const power = d.sensors.find((s) => s.kind === 'solar_power');
      a.powerSensor = power ? power.sensor : null;
    }
    const energy = d ? d.sensors.find((s) => s.kind === 'energy_total') : null;
    a.energySensor = energy ? energy.sensor : null;
  }
  return [...arrays.values()].sort((x, y) => collator.compare(x.device, y.device));
}

export function isBed(device) {
  return device.sensors.some((s) => s.kind === 'soil_moisture');
}
