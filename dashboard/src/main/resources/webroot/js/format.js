// Words, numbers and times as people read them. Text from the API is only ever set with textContent.

/** The contract's kinds: a label a gardener understands and the kind's unit. */
export const KINDS = {
  soil_moisture: { label: 'Soil moisture', unit: '%' },
  soil_temperature: { label: 'Soil temperature', unit: 'C' },
  air_temperature: { label: 'Air temperature', unit: 'C' },
  humidity: { label: 'Humidity', unit: '%' },
  flow_rate: { label: 'Flow', unit: 'L/min' },
  water_total: { label: 'Water meter', unit: 'L' },
  valve_state: { label: 'Valve', unit: 'state' },
  solar_power: { label: 'Solar power', unit: 'W' },
  solar_voltage: { label: 'Solar voltage', unit: 'V' },
  solar_current: { label: 'Solar current', unit: 'A' },
  energy_total: { label: 'Energy meter', unit: 'Wh' },
  irradiance: { label: 'Irradiance', unit: 'W/m2' },
  battery_voltage: { label: 'Battery voltage', unit: 'V' },
  battery_soc: { label: 'Battery charge', unit: '%' },
};
const KIND_ORDER = Object.keys(KINDS);
const UNIT_SYMBOLS = { C: '°C', F: '°F', 'W/m2': 'W/m²', m2: 'm²', m3: 'm³', 'm3/h': 'm³/h', state: '' };

export const STALE_AFTER_MS = 5 * 60 * 1000;
export const collator = new Intl.Collator('en', { numeric: true });

export function kindLabel(kind) {
  if (KINDS[kind]) return KINDS[kind].label;
  if (!kind) return 'Sensor';
  const name = kind.startsWith('x_') ? kind.slice(2) : kind;
  const words = name.replace(/_/g, ' ').trim();
  if (!words) return 'Sensor';
  return kind.startsWith('x_') ? words : words.charAt(0).toUpperCase() + words.slice(1);
}

export function unitOf(sensor) {
  if (sensor.unit) return sensor.unit;
  return KINDS[sensor.kind] ? KINDS[sensor.kind].unit : '';
}

export function unitSymbol(unit) {
  return Object.prototype.hasOwnProperty.call(UNIT_SYMBOLS, unit) ? UNIT_SYMBOLS[unit] : (unit || '');
}

/** Sensors in the contract's order of kinds (soil first, then water, then solar), users' own kinds last. */
export function compareSensors(a, b) {
  return kindRank(a.kind) - kindRank(b.kind) || collator.compare(a.sensor, b.sensor);
}

function kindRank(kind) {
  const rank = KIND_ORDER.indexOf(kind);
  return rank === -1 ? KIND_ORDER.length : rank;
}

function decimalsFor(unit, value) {
  const size = Math.abs(value);
  switch (unit) {
    case '%': case 'C': case 'F': case 'V': return 1;
    case 'W': case 'W/m2': case 'Wh': case 'L': return size >= 100 ? 0 : 1;
    case 'A': case 'L/min': return 2;
    case 'kWh': return size >= 100 ? 0 : size >= 10 ? 1 : 2;
    case 'kWh/kWp': return 2;
    default: return null;
  }
}

export function formatNumber(value, unit) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '–';
  const fixed = decimalsFor(unit, value);
  let text;
  if (fixed === null) {
    const size = Math.abs(value);
    text = value.toFixed(size >= 100 ? 0 : size >= 10 ? 1 : 2);
    if (text.includes('.')) text = text.replace(/\.?0+$/, '');
  } else {
    text = value.toFixed(fixed);
  }
  if (/^-0(\.0*)?$/.test(text)) text = text.slice(1);
  return groupThousands(text);
}

/** 12345.6 -> "12 345.6" with a narrow space (SI style); numbers under 10 000 stay as they are. */
function groupThousands(text) {
  const match = /^(-?)(\d+)(\.\d+)?$/.exec(text);
  if (!match || match[2].length < 5) return text;
  return match[1] + match[2].replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f') + (match[3] || '');
}

/** A reading as words: number and unit, or "open"/"closed" for a valve. */
export function formatReading(kind, unit, value) {
  if (kind === 'valve_state' && (value === 0 || value === 1)) {
    return { number: value === 1 ? 'open' : 'closed', unit: '' };
  }
  if (unit === 'Wh' && Math.abs(value) >= 10000) {
    return { number: formatNumber(value / 1000, 'kWh'), unit: 'kWh' };
  }
  return { number: formatNumber(value, unit), unit: kind === 'valve_state' ? '' : unitSymbol(unit) };
}

export function formatAge(ageMs) {
  if (!(ageMs >= 1000)) return 'just now';
  const seconds = Math.floor(ageMs / 1000);
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

export function formatDuration(ms) {
  const minutes = Math.round(ms / 60000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} days`;
}

const formats = new Map();

/** A time in a site's zone (or the browser's when zone is empty), e.g. "24 Nov 14:05". */
export function formatTime(t, zone, style = 'short') {
  const key = `${zone || ''}|${style}`;
  if (!formats.has(key)) {
    const options = style === 'date' ? { day: 'numeric', month: 'short', year: 'numeric' }
      : style === 'clock' ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
        : { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
    if (zone) options.timeZone = zone;
    formats.set(key, new Intl.DateTimeFormat('en-GB', options));
  }
  return formats.get(key).format(new Date(t));
}

export function plural(count, word, many = `${word}s`) {
  return `${count} ${count === 1 ? word : many}`;
}

export const SEVERITIES = {
  critical: { label: 'Critical', icon: '✖', rank: 0 },
  warning: { label: 'Warning', icon: '⚠', rank: 1 },
  info: { label: 'Info', icon: 'ℹ', rank: 2 },
};

export const DEVICE_STATES = {
  online: { label: 'Online', title: 'Connected and reporting' },
  offline: { label: 'Offline', title: 'Not connected: the readings shown are the last ones it sent' },
  unknown: { label: 'Status unknown', title: 'This device has never said whether it is online' },
};

/** Midnight of the day that holds t, in a zone (the browser's when zone is empty). */
export function startOfDay(t, zone) {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone || undefined, hourCycle: 'h23', hour: 'numeric', minute: 'numeric', second: 'numeric',
  }).formatToParts(new Date(t));
  const get = (type) => Number(parts.find((p) => p.type === type).value);
  return t - ((get('hour') * 60 + get('minute')) * 60 + get('second')) * 1000 - (t % 1000);
}
