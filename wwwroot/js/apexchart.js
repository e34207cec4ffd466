// A thin wrapper over ApexCharts (window.ApexCharts, loaded from lib/apexcharts) for the ApexChart component:
// render, update in place, destroy. Options arrive as JSON from .NET, so number formatting, which ApexCharts wants as
// functions, is named by the option "tcFormat" and attached here.
let zhLocale = null;

async function chineseLocale() {
  if (!zhLocale) {
    const response = await fetch('lib/apexcharts/zh-cn.json');
    zhLocale = await response.json();
  }
  return zhLocale;
}

function compact(value, chinese) {
  const abs = Math.abs(value);
  // Three significant figures at most, without trailing zeros after the decimal point (5.00 → 5, 2.50 → 2.5).
  const fixed = (v) => {
    const text = Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
    return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
  };
  if (chinese) {
    if (abs >= 1e8) return fixed(value / 1e8) + '亿';
    if (abs >= 1e4) return fixed(value / 1e4) + '万';
  } else {
    if (abs >= 1e9) return fixed(value / 1e9) + 'B';
    if (abs >= 1e6) return fixed(value / 1e6) + 'M';
    if (abs >= 1e3) return fixed(value / 1e3) + 'K';
  }
  return fixed(value);
}

function formatter(kind, chinese) {
  switch (kind) {
    case 'compact': return (v) => (typeof v !== 'number' ? v : compact(v, chinese));
    case 'money': return (v) => (typeof v !== 'number' ? v : '¥' + compact(v, chinese));
    case 'percent': return (v) => (typeof v !== 'number' ? v : (v * 100).toFixed(1) + '%');
    default: return undefined;
  }
}

// The options arrive as a JSON string (serialized once per chart on the server, not by each circuit's interop).
async function prepare(optionsJson, chinese, dark) {
  const prepared = JSON.parse(optionsJson);
  prepared.chart = prepared.chart || {};
  prepared.chart.background = 'transparent';
  prepared.chart.fontFamily = 'inherit';
  // Charts refresh while usage arrives; animating every refresh would be noise (and costs CPU on big pages).
  prepared.chart.animations = Object.assign({ enabled: false }, prepared.chart.animations);
  prepared.theme = Object.assign({}, prepared.theme, { mode: dark ? 'dark' : 'light' });
  if (chinese) {
    const zh = await chineseLocale();
    prepared.chart.locales = [zh];
    prepared.chart.defaultLocale = 'zh-cn';
    // Chinese dates read 11月28日, not "28 十一月".
    if (prepared.xaxis?.type === 'datetime') {
      prepared.xaxis.labels = Object.assign({ datetimeFormatter: { year: 'yyyy年', month: 'yyyy年M月', day: 'M月d日', hour: 'HH:mm' } }, prepared.xaxis.labels);
      prepared.tooltip = Object.assign({}, prepared.tooltip, { x: { format: 'yyyy年M月d日' } });
    }
  }
  const format = formatter(prepared.tcFormat, chinese);
  delete prepared.tcFormat;
  if (format) {
    // The value axis is x for horizontal bars and y otherwise.
    const horizontal = prepared.plotOptions?.bar?.horizontal === true;
    const axes = horizontal
      ? [prepared.xaxis = prepared.xaxis || {}]
      : Array.isArray(prepared.yaxis) ? prepared.yaxis : [prepared.yaxis = prepared.yaxis || {}];
    for (const axis of axes) {
      axis.labels = Object.assign({}, axis.labels, { formatter: format });
    }
    prepared.tooltip = Object.assign({}, prepared.tooltip);
    prepared.tooltip.y = Object.assign({}, prepared.tooltip.y, { formatter: format });
  }
  return prepared;
}

function withClicks(prepared, dotnet) {
  if (dotnet) {
    prepared.chart.events = Object.assign({}, prepared.chart.events, {
      dataPointSelection: (event, context, config) => {
        dotnet.invokeMethodAsync('PointSelected', config.seriesIndex, config.dataPointIndex);
      },
    });
  }
  return prepared;
}

export async function render(element, options, chinese, dark, dotnet) {
  const chart = new window.ApexCharts(element, withClicks(await prepare(options, chinese, dark), dotnet));
  await chart.render();
  element.dataset.rendered = 'true';
  return {
    update: async (newOptions, newChinese, newDark) => {
      await chart.updateOptions(withClicks(await prepare(newOptions, newChinese, newDark), dotnet), true, false);
    },
    destroy: () => chart.destroy(),
  };
}
