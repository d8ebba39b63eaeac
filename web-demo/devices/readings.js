// Value models for the simulated devices: numbers that look like a real home's, drifting
// slowly rather than jumping at random. Plain functions of time and Math.random; no I/O.
//
//   const climate = climateModel({ temperature: 21.5, humidity: 45 });
//   climate.next(Date.now())  // { temperature: 21.4, humidity: 45.3, battery: 97 }
//   const power = powerModel('solar');
//   power.next(Date.now())    // 1834.2 (watts)
//
// The slow cycles use a compressed "day" (CYCLE_MS) so that a chart shows a shape within
// minutes, not hours.
export const CYCLE_MS = 10 * 60 * 1000;

const round1 = (x) => Math.round(x * 10) / 10;
const jitter = (size) => (Math.random() - 0.5) * 2 * size;

// A random walk pulled back towards 0, so it wanders but never runs away.
function meanReverting(step, pull) {
  let value = 0;
  return () => {
    value = value * (1 - pull) + jitter(step);
    return value;
  };
}

/** A room's temperature (°C), relative humidity (%) and the sensor's battery (%). */
export function climateModel({ temperature, humidity }) {
  const phase = Math.random() * 2 * Math.PI;
  const tempWalk = meanReverting(0.08, 0.03);
  const humWalk = meanReverting(0.3, 0.03);
  let battery = 60 + Math.random() * 40;
  return {
    next(now) {
      const day = Math.sin((2 * Math.PI * now) / CYCLE_MS + phase);
      battery -= 0.01 + Math.random() * 0.01;
      if (battery < 5) battery = 100;  // someone changed it
      return {
        temperature: round1(temperature + 1.2 * day + tempWalk()),
        humidity: round1(Math.min(100, Math.max(0, humidity - 4 * day + humWalk()))),
        battery: Math.round(battery),
      };
    },
  };
}

const APPLIANCES = [
  { watts: 2000, readings: [10, 40] },   // kettle
  { watts: 1200, readings: [50, 200] },  // microwave, iron
  { watts: 150, readings: [200, 800] },  // television
];

/**
 * A power meter's reading in watts, for one of: 'main' (the house: a base load plus
 * appliances switching on and off), 'solar' (a daylight curve with passing clouds),
 * 'ev-charger' (0, or about 7.2 kW for a while).
 */
export function powerModel(kind) {
  const noise = meanReverting(6, 0.2);
  if (kind === 'solar') {
    let cloud = 1;
    return {
      next(now) {
        const sun = Math.sin((2 * Math.PI * now) / CYCLE_MS);
        cloud = Math.min(1, Math.max(0.3, cloud + jitter(0.02) + (Math.random() < 0.002 ? -0.4 : 0.004)));
        return round1(Math.max(0, 3200 * sun * cloud + noise()));
      },
    };
  }
  if (kind === 'ev-charger') {
    let charging = Math.random() < 0.5;
    return {
      next() {
        if (Math.random() < 0.003) charging = !charging;
        return charging ? round1(7200 + noise() * 4) : 0;
      },
    };
  }
  const running = [];  // { watts, left }
  return {
    next() {
      if (running.length < 3 && Math.random() < 0.01) {
        const a = APPLIANCES[Math.floor(Math.random() * APPLIANCES.length)];
        const [min, max] = a.readings;
        running.push({ watts: a.watts, left: min + Math.floor(Math.random() * (max - min)) });
      }
      let watts = 320 + noise() * 3;
      for (let i = running.length - 1; i >= 0; i--) {
        watts += running[i].watts;
        if (--running[i].left <= 0) running.splice(i, 1);
      }
      return round1(Math.max(0, watts));
    },
  };
}
